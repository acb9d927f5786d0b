//! Writing fixed files atomically: a temporary file in the same directory, flushed and given
//! the original's permissions and owner, then renamed over the original. A reader sees the old
//! file or the new one, never a partial write.
//!
//! When SIGINT, SIGTERM or SIGHUP interrupts a run that writes files, the temporary files
//! being written are removed before the process exits, and the files being fixed keep their old
//! text. SIGKILL cannot be caught. It can leave a `.dhlint-*.tmp` file, but never a partial file.
//!
//! NOTE: a change made to the file between the final comparison and the rename, a window of a
//! few system calls, is lost; there is no portable way to lock a file against other editors.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The temporary files that exist now. A file is added under the lock when it is created and
/// removed under the lock when it is renamed. The interrupt handler holds the lock until the
/// process exits, so it finds every one of them.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the temporary files and exits when the process receives SIGINT, SIGTERM or SIGHUP,
/// with the shell's status for the signal (128 + its number). Call it once before writing.
#[cfg(unix)]
pub fn remove_temporary_files_on_interrupt() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let pending = pending();
                for path in pending.iter() {
                    let _ = fs::remove_file(path);
                }
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Does nothing: other systems end the process without a handler.
#[cfg(not(unix))]
pub fn remove_temporary_files_on_interrupt() -> std::io::Result<()> {
    Ok(())
}

/// Replaces the contents of `path` with `new`, unless the file no longer contains `expected`
/// (it changed on disk since it was read) or is a symlink.
pub fn write_atomically(path: &Path, expected: &str, new: &str) -> Result<(), String> {
    let metadata = fs::symlink_metadata(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if metadata.file_type().is_symlink() {
        return Err("the path is a symlink; run the fix on the file it points to".into());
    }
    if metadata.permissions().readonly() {
        return Err("the file is read-only; make it writable to apply fixes".into());
    }
    check_links(&metadata)?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temp = {
        let mut pending = pending();
        let temp = tempfile::Builder::new()
            .prefix(".dhlint-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| format!("cannot create a temporary file in {}: {e}", dir.display()))?;
        pending.push(temp.path().to_path_buf());
        temp
    };
    let prepared = prepare(path, expected, new, &metadata, &mut temp);
    // Rename and update the list in one step, so the interrupt handler never removes a path
    // that has just become the fixed file.
    let temp_path = temp.path().to_path_buf();
    let mut pending = pending();
    let result = prepared.and_then(|()| {
        fs::rename(&temp_path, path).map_err(|e| format!("cannot replace the file: {e}"))
    });
    pending.retain(|p| *p != temp_path);
    match result {
        // The temporary path is now the fixed file: keep `temp` from removing it.
        Ok(()) => drop(temp.into_temp_path().keep()),
        Err(_) => drop(temp),
    }
    result
}

/// Writes `new` to the temporary file with the original's permissions and owner, and checks
/// that `path` still contains `expected`.
fn prepare(
    path: &Path,
    expected: &str,
    new: &str,
    metadata: &fs::Metadata,
    temp: &mut tempfile::NamedTempFile,
) -> Result<(), String> {
    temp.write_all(new.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    fs::set_permissions(temp.path(), metadata.permissions())
        .map_err(|e| format!("cannot copy the file's permissions: {e}"))?;
    copy_owner(metadata, temp.as_file(), temp.path())?;
    // Compare as late as possible, so a change made while the fix was computed is not lost.
    let current = fs::read(path).map_err(|e| format!("cannot read the file: {e}"))?;
    if current != expected.as_bytes() {
        return Err("the file changed on disk while dhlint was running; run it again".into());
    }
    Ok(())
}

/// Rejects files with other hard links, which a rename would leave holding the old text.
#[cfg(unix)]
fn check_links(metadata: &fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if metadata.nlink() > 1 {
        return Err("the file has other hard links, which replacing it would separate".into());
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_links(_metadata: &fs::Metadata) -> Result<(), String> {
    Ok(())
}

/// Gives the temporary file the original's owner and group, which differ when dhlint runs as
/// another user (such as root in a container working on a mounted checkout).
#[cfg(unix)]
fn copy_owner(original: &fs::Metadata, temp: &fs::File, temp_path: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let current = temp
        .metadata()
        .map_err(|e| format!("cannot read the temporary file: {e}"))?;
    if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
        std::os::unix::fs::chown(temp_path, Some(original.uid()), Some(original.gid()))
            .map_err(|e| format!("cannot give the fixed file the original's owner: {e}"))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn copy_owner(_original: &fs::Metadata, _temp: &fs::File, _temp_path: &Path) -> Result<(), String> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_file_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        fs::write(&path, "edited by someone else\n").unwrap();
        let error = write_atomically(&path, "as read\n", "fixed\n").unwrap_err();
        assert!(error.contains("changed on disk"), "{error}");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "edited by someone else\n"
        );
    }

    #[test]
    fn write_replaces_contents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("compose.yaml");
        fs::write(&path, "old\n").unwrap();
        write_atomically(&path, "old\n", "new\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "temporary file left behind"
        );
    }
}
