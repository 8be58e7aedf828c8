//! A desktop app's secret key: one per installation, made on first launch and kept in a file
//! only its user can read, never in the binary (every copy of a binary would share it).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use std::io::{self, Read, Write};
use std::path::Path;

/// The key in `path`, made (32 random bytes) when the file does not exist yet; give it to
/// [`PorteBuilder::secret_key`](crate::PorteBuilder::secret_key). On Unix the file is created
/// readable by its user alone, and a file others can read is refused.
///
/// Where the platform has a keyring (macOS Keychain, Windows Credential Manager, the Secret
/// Service), keeping the key there protects it from other programs the user runs; a file only
/// from other users. The file is the portable floor: anything running as the user can read it,
/// and with it open that user's sessions, which it could also read from the webview's storage.
///
/// ```no_run
/// # fn data_dir() -> std::path::PathBuf { "/tmp".into() }
/// let porte = porte::Porte::builder()
///     .secret_key(porte::secret_key_file(data_dir().join("porte.key"))?)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn secret_key_file(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    match create(path) {
        Ok(key) => Ok(key),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read(path),
        Err(e) => Err(e),
    }
}

fn create(path: &Path) -> io::Result<String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = URL_SAFE_NO_PAD.encode(bytes);
    file.write_all(key.as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

fn read(path: &Path) -> io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} can be read by other users (mode {:o}): make it 0600",
                    path.display(),
                    mode & 0o777
                ),
            ));
        }
    }
    let mut key = String::new();
    file.read_to_string(&mut key)?;
    let key = key.trim().to_owned();
    if key.len() < 32 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} holds {} characters; a key needs at least 32",
                path.display(),
                key.len()
            ),
        ));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("porte-key-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("porte.key");
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn the_first_launch_makes_a_key_that_later_launches_read_back() {
        let path = temp("make");
        let first = secret_key_file(&path).unwrap();
        assert_eq!(first.len(), 43, "32 random bytes");
        assert_eq!(secret_key_file(&path).unwrap(), first);
        let other = temp("other");
        assert_ne!(
            secret_key_file(&other).unwrap(),
            first,
            "one per installation"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_or_a_short_key_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let path = temp("open");
        secret_key_file(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let refused = secret_key_file(&path).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
        assert!(refused.to_string().contains("make it 0600"), "{refused}");
        std::fs::write(&path, "short").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let short = secret_key_file(&path).unwrap_err();
        assert_eq!(short.kind(), io::ErrorKind::InvalidData);
    }
}
