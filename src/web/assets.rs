//! The templates and static files the portal serves: built into the binary (listed by `build.rs`),
//! so a copied release binary runs from any folder; or, for development, read from a folder named
//! by the `assets_dir` setting (`<assets_dir>/templates`, `<assets_dir>/static`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::{State, get, routes};
use sha2::{Digest, Sha256};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_assets.rs"));
}

/// Static files change only with a new release: an hour in caches, then revalidated by ETag.
const CACHE_EMBEDDED: &str = "public, max-age=3600";
/// Files from a development folder change at any time: always revalidate.
const CACHE_FOLDER: &str = "no-cache";

/// Where templates and static files come from.
#[derive(Debug, Clone)]
pub enum Assets {
    /// The copies built into the binary.
    Embedded,
    /// A development folder holding `templates/` and `static/`.
    Folder(PathBuf),
}

impl Assets {
    /// The folder from configuration, or the built-in copies.
    pub fn from_setting(dir: Option<&Path>) -> Assets {
        match dir {
            Some(dir) if !dir.as_os_str().is_empty() => Assets::Folder(dir.to_path_buf()),
            _ => Assets::Embedded,
        }
    }

    /// Every template as `(path below templates/, text)`.
    ///
    /// # Errors
    /// The development folder cannot be read.
    pub fn templates(&self) -> std::io::Result<Vec<(String, Cow<'static, str>)>> {
        match self {
            Assets::Embedded => Ok(embedded::TEMPLATES
                .iter()
                .map(|(name, text)| ((*name).to_owned(), Cow::Borrowed(*text)))
                .collect()),
            Assets::Folder(dir) => {
                let root = dir.join("templates");
                let mut files = Vec::new();
                collect(&root, &root, &mut files)?;
                files
                    .into_iter()
                    .map(|(relative, path)| Ok((relative, Cow::Owned(std::fs::read_to_string(path)?))))
                    .collect()
            }
        }
    }

    /// The state behind `/static/…`.
    pub fn static_files(&self) -> StaticFiles {
        match self {
            Assets::Embedded => {
                let files = embedded::STATIC_FILES
                    .iter()
                    .copied()
                    .chain([("fonts/ipaexg.ttf", crate::documents::pdf::IPAEX_GOTHIC)])
                    .map(|(name, bytes)| (name, (bytes, etag(bytes))))
                    .collect();
                StaticFiles::Embedded(files)
            }
            Assets::Folder(dir) => StaticFiles::Folder(dir.join("static")),
        }
    }
}

/// `(path relative to root with '/' separators, absolute path)` of every file below `dir`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
            out.push((parts.join("/"), path.clone()));
        }
    }
    Ok(())
}

fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The static files, with their ETags when built in; managed as Rocket state.
pub enum StaticFiles {
    Embedded(HashMap<&'static str, (&'static [u8], String)>),
    Folder(PathBuf),
}

/// One static file on its way out.
pub struct StaticFile {
    content_type: ContentType,
    body: Cow<'static, [u8]>,
    etag: Option<String>,
    cache_control: &'static str,
}

impl<'r> Responder<'r, 'static> for StaticFile {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = Response::build();
        response.header(Header::new("Cache-Control", self.cache_control));
        if let Some(tag) = self.etag {
            let fresh = req
                .headers()
                .get_one("If-None-Match")
                .is_some_and(|seen| seen.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
            response.header(Header::new("ETag", tag));
            if fresh {
                return response.status(Status::NotModified).ok();
            }
        }
        response.header(self.content_type);
        let body = self.body;
        response.sized_body(body.len(), std::io::Cursor::new(body)).ok()
    }
}

/// The content type by extension; unknown kinds are plain bytes (and `nosniff` keeps them so).
fn content_type(path: &str) -> ContentType {
    path.rsplit_once('.').and_then(|(_, ext)| ContentType::from_extension(ext)).unwrap_or(ContentType::Binary)
}

#[get("/<path..>", rank = 20)]
async fn file(files: &State<StaticFiles>, path: PathBuf) -> Option<StaticFile> {
    // `PathBuf` segments never hold `..` or hidden names: Rocket refuses those before we get here.
    let name: Vec<_> = path.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    let name = name.join("/");
    match files.inner() {
        StaticFiles::Embedded(map) => map.get(name.as_str()).map(|(bytes, tag)| StaticFile {
            content_type: content_type(&name),
            body: Cow::Borrowed(*bytes),
            etag: Some(tag.clone()),
            cache_control: CACHE_EMBEDDED,
        }),
        StaticFiles::Folder(dir) => {
            let bytes = tokio::fs::read(dir.join(&path)).await.ok()?;
            Some(StaticFile {
                content_type: content_type(&name),
                body: Cow::Owned(bytes),
                etag: None,
                cache_control: CACHE_FOLDER,
            })
        }
    }
}

/// Mounted at `/static`.
pub fn routes() -> Vec<rocket::Route> {
    routes![file]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_carries_every_template_and_the_stylesheet() {
        let on_disk = Assets::Folder(PathBuf::from(env!("CARGO_MANIFEST_DIR"))).templates().unwrap();
        let built_in = Assets::Embedded.templates().unwrap();
        let mut disk_names: Vec<_> = on_disk.iter().map(|(n, _)| n.clone()).collect();
        let mut built_names: Vec<_> = built_in.iter().map(|(n, _)| n.clone()).collect();
        disk_names.sort();
        built_names.sort();
        assert_eq!(built_names, disk_names);
        let StaticFiles::Embedded(files) = Assets::Embedded.static_files() else { panic!("embedded") };
        assert!(files.contains_key("css/portal.css"));
        assert!(files.contains_key("fonts/IPA_Font_License.txt"));
        assert_eq!(content_type("css/portal.css"), ContentType::CSS);
    }
}
