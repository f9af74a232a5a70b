//! Writing users' files without ever losing or half-writing one.
//!
//! A file is replaced by a temporary file written next to it, synced, checked
//! against what stepup read (inode, size, mtime, mode, owner and every byte)
//! once more right before the rename, and renamed over it. Where the
//! platform can swap two names atomically (Linux `renameat2(RENAME_EXCHANGE)`,
//! macOS `renamex_np(RENAME_SWAP)`), the swap keeps the displaced original,
//! which is checked again after the swap: an edit that slipped in is put back.
//! Temporary files are removed on SIGINT, SIGTERM and SIGHUP, and on Ctrl-C or
//! Ctrl-Break in a Windows console.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Where a write stands, for tests that change the file at that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The temporary file is written and synced; the rename comes next.
    TempSynced,
    /// The new file is in place; the displaced original is checked next.
    Replaced,
}

const CHANGED: &str = "changed on disk while stepup was running; left unchanged";

/// Replace `path`'s contents with `new`, provided it still holds `original`.
/// Keeps the permissions, the owner and the group (or refuses).
pub fn atomic_write(path: &Path, original: &[u8], new: &[u8]) -> Result<(), String> {
    write_checked(path, original, new, &mut |_| {})
}

/// `atomic_write`, calling `at` at each `Stage` (tests change the file there).
pub fn write_checked(
    path: &Path,
    original: &[u8],
    new: &[u8],
    at: &mut dyn FnMut(Stage),
) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("cannot stat: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("is a symbolic link; stepup does not write through links".into());
    }
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.permissions().readonly() {
        return Err("is read-only; left unchanged".into());
    }
    // The original stays open: its inode is checked again before and after the rename.
    let mut held =
        open_original(path).map_err(|e| format!("cannot open it before writing: {e}"))?;
    let before = Stamp::of(&meta);
    check_unchanged(path, &mut held, &before, original)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = Temp::create(dir)?;
    if let Err(e) = fill(&mut temp.file, new, &meta) {
        temp.discard(&mut live());
        return Err(e);
    }
    at(Stage::TempSynced);
    if let Err(e) = check_unchanged(path, &mut held, &before, original) {
        temp.discard(&mut live());
        return Err(e);
    }
    replace(path, temp, held, &before, original, at)
}

/// Write the new bytes, give the file the original's owner, group and
/// permissions (in that order: a chown clears set-id bits), and sync it.
fn fill(file: &mut File, new: &[u8], meta: &std::fs::Metadata) -> Result<(), String> {
    file.write_all(new)
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    keep_owner(file, meta)?;
    file.set_permissions(meta.permissions())
        .map_err(|e| format!("cannot copy permissions: {e}"))?;
    file.sync_all().map_err(|e| format!("cannot sync: {e}"))
}

#[cfg(unix)]
fn keep_owner(file: &File, meta: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let (uid, gid) = (meta.uid(), meta.gid());
    let now = file
        .metadata()
        .map_err(|e| format!("cannot stat the temporary file: {e}"))?;
    if now.uid() == uid && now.gid() == gid {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(uid), Some(gid)).map_err(|e| {
        format!(
            "cannot give the new file the original's owner {uid}:{gid} ({e}); left unchanged \
             (run stepup as that user)"
        )
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &File, _: &std::fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// Is the file at `path` still the one stepup read: same inode, size, mtime,
/// mode and owner by name and by the open handle, and the same bytes?
fn check_unchanged(
    path: &Path,
    held: &mut File,
    before: &Stamp,
    original: &[u8],
) -> Result<(), String> {
    let by_name = std::fs::symlink_metadata(path).map_err(|e| format!("{CHANGED} ({e})"))?;
    if Stamp::of(&by_name) != *before || !held_unchanged(held, before, original) {
        return Err(CHANGED.into());
    }
    Ok(())
}

/// The open original's metadata and bytes are still those stepup read.
fn held_unchanged(held: &mut File, before: &Stamp, original: &[u8]) -> bool {
    held.metadata().is_ok_and(|m| Stamp::of(&m) == *before)
        && read_all(held).is_ok_and(|now| now == original)
}

fn read_all(file: &mut File) -> std::io::Result<Vec<u8>> {
    file.seek(SeekFrom::Start(0))?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(buf)
}

/// Swap the temporary file in; check the displaced original; put it back if
/// it changed. Holds the temp-file registry for the whole step, so a signal
/// waits until the step is over and never removes a file it still needs.
fn replace(
    path: &Path,
    temp: Temp,
    mut held: File,
    before: &Stamp,
    original: &[u8],
    at: &mut dyn FnMut(Stage),
) -> Result<(), String> {
    let mut live = live();
    if cfg!(windows) {
        return rename_closed(path, temp, held, &mut live, at);
    }
    let held = &mut held;
    match exchange(&temp.path, path) {
        Ok(true) => {
            at(Stage::Replaced);
            // The temporary name now holds what was at `path` an instant ago.
            let displaced = std::fs::symlink_metadata(&temp.path)
                .is_ok_and(|m| Stamp::of(&m).same_file(before));
            if displaced && held_unchanged(held, before, original) {
                temp.discard(&mut live);
                return Ok(());
            }
            match exchange(&temp.path, path) {
                Ok(true) => {
                    temp.discard(&mut live);
                    Err(CHANGED.into())
                }
                _ => {
                    let kept = temp.keep(&mut live);
                    Err(format!(
                        "changed on disk while stepup was writing it, and putting that version \
                         back failed: it is in {}",
                        kept.display()
                    ))
                }
            }
        }
        Ok(false) => {
            if let Err(e) = std::fs::rename(&temp.path, path) {
                temp.discard(&mut live);
                return Err(rename_failed(&e));
            }
            temp.keep(&mut live);
            at(Stage::Replaced);
            if held_unchanged(held, before, original) {
                return Ok(());
            }
            // An edit reached the old inode during the rename: put it back.
            put_back(path, held)
        }
        Err(e) => {
            temp.discard(&mut live);
            Err(format!("cannot replace the file: {e}"))
        }
    }
}

/// Windows: rename with no handle open on the original. A plain rename there
/// cannot replace a file that is open, even by stepup itself and even shared
/// for deletion (only NTFS's POSIX rename can, which Windows before 10 1607,
/// FAT and network drives lack, and so does wine), so the original was checked
/// a moment ago (after the temporary file was synced) and is closed now: an
/// edit made during the rename itself cannot be detected there.
fn rename_closed(
    path: &Path,
    temp: Temp,
    held: File,
    live: &mut Vec<PathBuf>,
    at: &mut dyn FnMut(Stage),
) -> Result<(), String> {
    drop(held);
    if let Err(e) = std::fs::rename(&temp.path, path) {
        temp.discard(live);
        return Err(rename_failed(&e));
    }
    temp.keep(live);
    at(Stage::Replaced);
    Ok(())
}

/// Why the rename over the original failed. Windows refuses to replace a file
/// that another program holds open without sharing its deletion (an editor, an
/// indexer, a virus scanner): that is said in so many words.
fn rename_failed(e: &std::io::Error) -> String {
    const ERROR_ACCESS_DENIED: i32 = 5;
    const ERROR_SHARING_VIOLATION: i32 = 32;
    let held_open = cfg!(windows)
        && matches!(
            e.raw_os_error(),
            Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION)
        );
    if held_open {
        format!(
            "cannot replace the file ({e}): Windows does not let a file be replaced while \
             another program has it open; left unchanged (close it there and run stepup again)"
        )
    } else {
        format!("cannot replace the file: {e}")
    }
}

/// After a plain rename, the original's inode (still open) was written to:
/// write its bytes back over stepup's version.
fn put_back(path: &Path, held: &mut File) -> Result<(), String> {
    let theirs = read_all(held).map_err(|e| {
        format!("changed on disk while stepup was writing it, and cannot be read back: {e}")
    })?;
    let restored = (|| -> std::io::Result<()> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let mut t = tempfile::Builder::new()
            .prefix(".stepup-")
            .suffix(".tmp")
            .tempfile_in(dir.unwrap_or(Path::new(".")))?;
        t.write_all(&theirs)?;
        t.as_file()
            .set_permissions(held.metadata()?.permissions())?;
        t.as_file().sync_all()?;
        t.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    match restored {
        Ok(()) => Err(
            "changed on disk while stepup was writing it; that version was put back, \
                       the file is left unchanged"
                .into(),
        ),
        Err(e) => Err(format!(
            "changed on disk while stepup was writing it, and putting that version back failed: {e}"
        )),
    }
}

/// Atomically swap the names `a` and `b`. Ok(false) when the platform or the
/// file system cannot (the caller renames instead).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP].contains(&e) => {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Open the file at `path` for reading, not through a symbolic link, and only
/// if it is a regular file.
fn open_original(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY).bits() as i32);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    Ok(file)
}

/// What identifies a file's state without reading it. The change time is left
/// out: a rename of the file itself updates it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    modified: Option<std::time::SystemTime>,
    mode: u32,
    owner: (u32, u32),
}

impl Stamp {
    #[cfg(unix)]
    fn of(m: &std::fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            dev: m.dev(),
            ino: m.ino(),
            size: m.len(),
            modified: m.modified().ok(),
            mode: m.mode(),
            owner: (m.uid(), m.gid()),
        }
    }

    #[cfg(not(unix))]
    fn of(m: &std::fs::Metadata) -> Stamp {
        Stamp {
            dev: 0,
            ino: 0,
            size: m.len(),
            modified: m.modified().ok(),
            mode: u32::from(m.permissions().readonly()),
            owner: (0, 0),
        }
    }

    /// The same inode (on platforms that have inodes).
    fn same_file(&self, other: &Stamp) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

/// The temporary files that exist right now: removed on a signal.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A temporary file next to the file it replaces, registered in `LIVE`.
struct Temp {
    path: PathBuf,
    file: File,
}

impl Temp {
    fn create(dir: &Path) -> Result<Temp, String> {
        remove_temp_files_on_signal();
        // Created and registered under the lock: a signal cannot fall in between.
        let mut live = live();
        let named = tempfile::Builder::new()
            .prefix(".stepup-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot create a temporary file next to it: {e}"))?;
        let (file, temp_path) = named.into_parts();
        let path = temp_path
            .keep()
            .map_err(|e| format!("cannot create a temporary file next to it: {}", e.error))?;
        live.push(path.clone());
        Ok(Temp { path, file })
    }

    /// Remove the file and forget it.
    fn discard(self, live: &mut Vec<PathBuf>) {
        let _ = std::fs::remove_file(&self.path);
        live.retain(|p| *p != self.path);
    }

    /// Forget the file, leaving whatever is at its name.
    fn keep(self, live: &mut Vec<PathBuf>) -> PathBuf {
        live.retain(|p| *p != self.path);
        self.path
    }
}

/// On SIGINT, SIGTERM or SIGHUP (on Windows: Ctrl-C or Ctrl-Break in the
/// console): remove the temporary files that exist (after a replace in
/// progress has finished), say so, and exit with 128 + the signal (130 for
/// Ctrl-C). Installed by the first write.
pub fn remove_temp_files_on_signal() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    exit_interrupted(128 + signal);
                }
            });
        }
        #[cfg(windows)]
        {
            use windows_sys::Win32::System::Console::{
                CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler,
            };
            /// Runs on a thread of its own, which Windows starts for the event.
            unsafe extern "system" fn on_console_event(event: u32) -> windows_sys::core::BOOL {
                const SIGINT: i32 = 2;
                const SIGBREAK: i32 = 21;
                match event {
                    CTRL_C_EVENT => exit_interrupted(128 + SIGINT),
                    CTRL_BREAK_EVENT => exit_interrupted(128 + SIGBREAK),
                    // Closing the console, logoff, shutdown: the next handler's.
                    _ => 0,
                }
            }
            // SAFETY: the handler is a plain function that lives as long as the
            // program; registering it has no other precondition.
            unsafe { SetConsoleCtrlHandler(Some(on_console_event), 1) };
        }
    });
}

/// Remove the temporary files that exist, waiting for a replace in progress
/// (it holds the registry) to finish first; say so, and exit with `code`.
fn exit_interrupted(code: i32) -> ! {
    let live = live();
    for p in live.iter() {
        let _ = std::fs::remove_file(p);
    }
    let _ = writeln!(
        std::io::stderr(),
        "stepup: interrupted; its temporary files are removed, and every file is either \
         completely rewritten or unchanged"
    );
    std::process::exit(code);
}
