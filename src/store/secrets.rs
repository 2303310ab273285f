//! Secrets at rest (SPEC §11): integration tokens (the knowledge base's external search token,
//! and later webhook secrets) are stored encrypted with AES-256-GCM under one master key.
//!
//! The key comes from `TOPICDESK_MASTER_KEY` (base64 of 32 bytes) or, without it, from a key
//! file generated on first start beside the SQLite database (`topicdesk.key` next to
//! `topicdesk.db`; in the working directory for PostgreSQL), created readable by its owner
//! only. A check value written at first start tells a later start whether its key is the one
//! the stored secrets were encrypted with: a lost or changed key stops the daemon with a clear
//! error instead of reading garbage (GCM's tag makes any wrong key or altered value fail, never
//! decrypt to something else).
//!
//! A stored value is `v1.<base64(nonce ‖ ciphertext ‖ tag)>`, with a fresh random 96-bit nonce
//! per value and the value's purpose (table, column, owner) as associated data, so a value
//! copied to another row does not decrypt there either.

use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use entity::master_key_check;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};

/// The format version written before every stored value.
const VERSION: &str = "v1.";
const NONCE_LEN: usize = 12;
/// What the check value encrypts, and its purpose.
const CHECK_TEXT: &str = "topicdesk master key check";
const CHECK_PURPOSE: &str = "master_key_check";

/// The 32-byte master key. Never printed: `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(***)")
    }
}

/// Why a text is not a master key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a master key: expected the base64 of 32 random bytes (for example the output of `openssl rand -base64 32`)")]
pub struct NotAKey;

/// Why a stored secret could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the stored secret is not in a format this version reads")]
    Malformed,
    #[error("stored secrets were encrypted with another master key (or the value was altered)")]
    WrongKey,
    #[error("the secret is too long to encrypt")]
    TooLong,
}

impl MasterKey {
    /// A new random key.
    pub fn generate() -> Self {
        MasterKey(rand::random())
    }

    /// Reads the base64 of exactly 32 bytes (surrounding whitespace ignored).
    pub fn from_base64(text: &str) -> Result<Self, NotAKey> {
        let bytes = B64.decode(text.trim()).map_err(|_| NotAKey)?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(MasterKey)
            .map_err(|_| NotAKey)
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&self.0.into())
    }

    /// Encrypts `plain` for `purpose` (the table, column and owner it is stored under).
    /// AES-GCM refuses only inputs of gigabytes, far beyond any secret.
    pub fn encrypt(&self, purpose: &str, plain: &str) -> Result<String, SecretError> {
        let nonce: [u8; NONCE_LEN] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| SecretError::TooLong)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", B64.encode(out)))
    }

    /// Decrypts what [`MasterKey::encrypt`] wrote for the same `purpose`.
    pub fn decrypt(&self, purpose: &str, stored: &str) -> Result<String, SecretError> {
        let raw = stored
            .strip_prefix(VERSION)
            .and_then(|b| B64.decode(b).ok())
            .filter(|r| r.len() > NONCE_LEN)
            .ok_or(SecretError::Malformed)?;
        let (nonce, sealed) = raw.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| SecretError::Malformed)?;
        let plain = self
            .cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretError::Malformed)
    }
}

/// Where the key file lives when `TOPICDESK_MASTER_KEY` is not set: beside the SQLite database
/// file, or `topicdesk.key` in the working directory for PostgreSQL; `None` for an in-memory
/// database (nothing outlives the process, so neither need the key).
pub fn key_file_for(database_url: &str) -> Option<PathBuf> {
    if database_url.starts_with("sqlite:") {
        let db = super::sqlite_file(database_url)?;
        Some(db.with_file_name(match db.file_stem() {
            Some(stem) => format!("{}.key", stem.to_string_lossy()),
            None => "topicdesk.key".to_owned(),
        }))
    } else {
        Some(PathBuf::from("topicdesk.key"))
    }
}

/// Where the master key came from, to name it in errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `TOPICDESK_MASTER_KEY`.
    Variable(MasterKey),
    /// The key file (read, or created on first start).
    File(PathBuf),
    /// An in-memory database: a key for this process only.
    Ephemeral,
}

/// The master key the daemon runs with, checked against the database: the configured one, the
/// key file's, or (first start only) a new one written to the key file. A key that is not the
/// one the stored secrets were encrypted with, or a key file lost after secrets were stored, is
/// an error naming the variable and what to do, never a silent new key.
pub async fn load_master_key<C: ConnectionTrait>(
    db: &C,
    source: KeySource,
    now: DateTime<Utc>,
) -> anyhow::Result<MasterKey> {
    let stored = check_value(db).await?;
    let (key, from) = match source {
        KeySource::Variable(key) => (key, "TOPICDESK_MASTER_KEY".to_owned()),
        KeySource::Ephemeral => (MasterKey::generate(), "TOPICDESK_MASTER_KEY".to_owned()),
        KeySource::File(path) => {
            let from = format!(
                "TOPICDESK_MASTER_KEY: not set, so the key file {}",
                path.display()
            );
            let key = match read_key_file(&path) {
                Ok(Some(key)) => key,
                Ok(None) if stored.is_some() => anyhow::bail!(
                    "{from} is missing, but the database holds secrets encrypted with a master key: restore the key file or set TOPICDESK_MASTER_KEY to that key (a new key cannot read them)"
                ),
                Ok(None) => create_key_file(&path).map_err(|e| {
                    anyhow::anyhow!("{from} cannot be created: {e}; set TOPICDESK_MASTER_KEY instead")
                })?,
                Err(e) => anyhow::bail!("{from}: {e}"),
            };
            (key, from)
        }
    };
    match stored {
        Some(value) => check(&key, &value, &from)?,
        None => {
            let value = key.encrypt(CHECK_PURPOSE, CHECK_TEXT)?;
            master_key_check::Entity::insert(master_key_check::ActiveModel {
                id: Set(1),
                check_value: Set(value),
                created_at: Set(now),
            })
            .on_conflict_do_nothing_on([master_key_check::Column::Id])
            .exec_without_returning(db)
            .await?;
            // Another replica may have written its check value first: it is the one that holds.
            if let Some(value) = check_value(db).await? {
                check(&key, &value, &from)?;
            }
        }
    }
    Ok(key)
}

fn check(key: &MasterKey, value: &str, from: &str) -> anyhow::Result<()> {
    match key.decrypt(CHECK_PURPOSE, value) {
        Ok(text) if text == CHECK_TEXT => Ok(()),
        _ => anyhow::bail!(
            "{from}: stored secrets were encrypted with another master key; start with the key they were encrypted with"
        ),
    }
}

async fn check_value<C: ConnectionTrait>(db: &C) -> Result<Option<String>, DbErr> {
    Ok(master_key_check::Entity::find_by_id(1)
        .one(db)
        .await?
        .map(|r| r.check_value))
}

/// The key in `path`; `None` when there is no such file.
fn read_key_file(path: &Path) -> anyhow::Result<Option<MasterKey>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => anyhow::bail!("cannot be read: {e}"),
    };
    let key = MasterKey::from_base64(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    restrict(path)?;
    Ok(Some(key))
}

/// Writes a new key to `path`, readable and writable by its owner only, failing if the file
/// appeared meanwhile (another process's key is not overwritten).
fn create_key_file(path: &Path) -> std::io::Result<MasterKey> {
    use std::io::Write;
    let key = MasterKey::generate();
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let mut file = open.open(path)?;
    file.write_all(format!("{}\n", key.to_base64()).as_bytes())?;
    file.sync_all()?;
    Ok(key)
}

/// Takes group and world access away from an existing key file.
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)?;
        if meta.permissions().mode() & 0o077 != 0 {
            let mode = meta.permissions().mode() & 0o700;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .map_err(|e| anyhow::anyhow!("cannot be made private: {e}"))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_and_never_shows() {
        let key = MasterKey::generate();
        let stored = key
            .encrypt("kb_settings.external_token:7", "s3cret-token")
            .expect("encrypts");
        assert!(stored.starts_with("v1."), "{stored}");
        assert!(!stored.contains("s3cret"), "{stored}");
        assert_eq!(
            key.decrypt("kb_settings.external_token:7", &stored),
            Ok("s3cret-token".to_owned())
        );
        // A fresh nonce each time: the same secret is never stored twice alike.
        let again = key.encrypt("kb_settings.external_token:7", "s3cret-token");
        assert_ne!(Ok(stored), again);
        assert_eq!(format!("{key:?}"), "MasterKey(***)");
        assert_eq!(MasterKey::from_base64(&key.to_base64()), Ok(key));
    }

    #[test]
    fn another_key_or_another_row_cannot_read_it() {
        let key = MasterKey::generate();
        let stored = key
            .encrypt("kb_settings.external_token:7", "s3cret-token")
            .expect("encrypts");
        assert_eq!(
            MasterKey::generate().decrypt("kb_settings.external_token:7", &stored),
            Err(SecretError::WrongKey)
        );
        assert_eq!(
            key.decrypt("kb_settings.external_token:8", &stored),
            Err(SecretError::WrongKey)
        );
    }

    #[test]
    fn tampered_values_are_refused() {
        let key = MasterKey::generate();
        let stored = key.encrypt("p", "s3cret-token").expect("encrypts");
        let mut raw = B64.decode(&stored[3..]).expect("base64");
        for i in [0, NONCE_LEN, raw.len() - 1] {
            raw[i] ^= 1;
            let bent = format!("v1.{}", B64.encode(&raw));
            assert_eq!(
                key.decrypt("p", &bent),
                Err(SecretError::WrongKey),
                "byte {i}"
            );
            raw[i] ^= 1;
        }
        for bad in [
            "",
            "v1.",
            "v2.AAAA",
            "v1.!!!",
            "s3cret-token",
            "v1.AAAAAAAAAAAAAAAA",
        ] {
            assert_eq!(
                key.decrypt("p", bad),
                Err(SecretError::Malformed),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn keys_are_exactly_32_bytes_of_base64() {
        assert!(MasterKey::from_base64(&B64.encode([7u8; 32])).is_ok());
        assert!(MasterKey::from_base64(&format!(" {}\n", B64.encode([7u8; 32]))).is_ok());
        for bad in [
            B64.encode([7u8; 31]),
            B64.encode([7u8; 33]),
            "not base64!".into(),
            String::new(),
        ] {
            assert_eq!(MasterKey::from_base64(&bad), Err(NotAKey), "{bad:?}");
        }
    }

    #[test]
    fn the_key_file_sits_beside_the_database() {
        assert_eq!(
            key_file_for("sqlite:///var/lib/td/topicdesk.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/td/topicdesk.key"))
        );
        assert_eq!(
            key_file_for("sqlite://data.db?mode=rwc"),
            Some(PathBuf::from("data.key"))
        );
        assert_eq!(key_file_for("sqlite::memory:"), None);
        assert_eq!(
            key_file_for("postgres://u:p@h/db"),
            Some(PathBuf::from("topicdesk.key"))
        );
    }

    #[tokio::test]
    async fn the_check_value_refuses_another_key_and_a_lost_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::store::connect(&url).await.expect("db");
        use migration::MigratorTrait;
        migration::Migrator::up(&db, None).await.expect("migrate");
        let now = Utc::now();
        let path = key_file_for(&url).expect("a key file");
        let key = load_master_key(&db, KeySource::File(path.clone()), now)
            .await
            .expect("first start creates the key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = load_master_key(&db, KeySource::File(path.clone()), now)
            .await
            .expect("the same file again");
        assert_eq!(again, key);
        let same = load_master_key(&db, KeySource::Variable(key.clone()), now).await;
        assert!(same.is_ok());
        let other = load_master_key(&db, KeySource::Variable(MasterKey::generate()), now)
            .await
            .expect_err("another key");
        assert!(
            other.to_string().contains("TOPICDESK_MASTER_KEY")
                && other
                    .to_string()
                    .contains("encrypted with another master key"),
            "{other}"
        );
        std::fs::remove_file(&path).expect("lose the key");
        let lost = load_master_key(&db, KeySource::File(path.clone()), now)
            .await
            .expect_err("a lost key file");
        assert!(lost.to_string().contains("is missing"), "{lost}");
        assert!(!path.exists(), "no new key was made up");
        std::fs::write(&path, "garbage").expect("write");
        let garbage = load_master_key(&db, KeySource::File(path), now)
            .await
            .expect_err("garbage");
        assert!(
            garbage.to_string().contains("not a master key"),
            "{garbage}"
        );
    }
}
