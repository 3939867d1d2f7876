//! sea-orm entities, one file per table. Behaviour lives in `domain`, never here.

pub mod audit_entry;
pub mod directory_version;
pub mod partner;
pub mod session;
pub mod user;
