//! sea-orm entities, one file per table. Behaviour lives in `domain`, never here.

pub mod audit_entry;
pub mod session;
pub mod user;
