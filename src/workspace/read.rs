//! Reading project files: only regular files, never more than a limit. The
//! type is checked on the opened handle (not the path), so a FIFO or a device
//! swapped in by name cannot hang or exhaust the run.

use std::io::Read;
use std::path::Path;

/// Project files (tsconfig, package.json, declarations, source modules)
/// above this size are not read.
pub const MAX_PROJECT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("not a regular file")]
    NotRegular,
    #[error("{size} bytes is above the {limit} byte limit")]
    TooLarge { size: u64, limit: u64 },
    #[error("not valid UTF-8 (invalid byte at offset {0})")]
    NotUtf8(usize),
}

/// The bytes of the regular file at `path`, when it holds at most `limit`.
/// A path that is not a regular file (a FIFO, a device, a directory) is not
/// even opened: opening some devices has effects of its own.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    if !std::fs::metadata(path)?.file_type().is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut file = open_regular(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut buf = Vec::with_capacity(size as usize);
    // The file may grow after the check: read one byte past the limit at most.
    (&mut file).take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// A project file as text (a UTF-8 BOM is kept; callers strip it if they care).
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bounded(path, MAX_PROJECT_FILE_BYTES)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))
}

/// Open `path` for reading if it is a regular file. Opening a FIFO for
/// reading blocks until a writer appears, so the file is opened non-blocking
/// (and never as a controlling terminal) and its type checked on the handle:
/// a FIFO or device swapped in after a check by name is still refused.
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
    }
    let file = options.open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        #[cfg(unix)]
        assert!(matches!(
            read_bounded(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        ));
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bounded(dir.path(), 10),
            Err(ReadError::NotRegular)
        ));
        let f = dir.path().join("big");
        std::fs::write(&f, vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read_bounded(&f, 10),
            Err(ReadError::TooLarge { size: 11, .. })
        ));
        assert_eq!(read_bounded(&f, 11).unwrap().len(), 11);
    }
}
