//! The file in the data folder that keeps the built directory index between runs. Written to a
//! temporary file and renamed into place, so a reader never sees half a file; readable by the
//! owner only, like the rest of the data folder's secrets.

use std::fs::{self, File, OpenOptions};
use std::io::{BufReader, BufWriter};
use std::path::Path;

/// Opens `path` and hands it to `read`; a missing file is `Ok(None)`.
///
/// # Errors
/// The file exists but cannot be opened, or `read` fails.
pub fn read<T, E: From<std::io::Error>>(
    path: &Path,
    read: impl FnOnce(BufReader<File>) -> Result<Option<T>, E>,
) -> Result<Option<T>, E> {
    match File::open(path) {
        Ok(file) => read(BufReader::with_capacity(1 << 20, file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Writes `path` through `write`, replacing any earlier file only once the new one is complete.
///
/// # Errors
/// The folder is not writable, or `write` fails.
pub fn write<E: From<std::io::Error>>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E> {
    let partial = path.with_extension("partial");
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&partial)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let written = write(&mut out).and_then(|()| {
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(())
    });
    match written {
        Ok(()) => Ok(fs::rename(&partial, path)?),
        Err(e) => {
            let _ = fs::remove_file(&partial);
            Err(e)
        }
    }
}
