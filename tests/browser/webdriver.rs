//! A small W3C WebDriver client over HTTP: just what the tests use.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::harness::wait_until;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

pub type Result<T> = std::result::Result<T, String>;

fn call(method: &str, url: &str, body: Option<Value>) -> Result<Value> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(body)) => agent.post(url).send_json(body),
        (_, None) => agent.post(url).send_json(json!({})),
    }
    .map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status();
    let value: Value = response.into_body().read_json().map_err(|e| format!("{method} {url}: {e}"))?;
    if status.is_success() {
        Ok(value["value"].clone())
    } else {
        Err(format!("{method} {url}: {status} {value}"))
    }
}

impl Browser {
    pub fn start() -> Result<Self> {
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let status = format!("{base}/status");
        wait_until("chromedriver", Duration::from_secs(20), || {
            call("GET", &status, None).is_ok_and(|v| v["ready"] == true)
        });
        let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,900",
        ];
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args }
        }}});
        let session = call("POST", &format!("{base}/session"), Some(capabilities))?;
        let session = session["sessionId"].as_str().ok_or("no session id")?.to_owned();
        Ok(Self { driver, base, session, _profile: profile })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        call("POST", &self.url("/url"), Some(json!({ "url": url }))).map(|_| ())
    }

    pub fn current_url(&self) -> Result<String> {
        Ok(call("GET", &self.url("/url"), None)?.as_str().unwrap_or_default().to_owned())
    }

    /// Finds an element by CSS selector, waiting up to five seconds for it to appear.
    pub fn find(&self, css: &str) -> Result<String> {
        let mut last = String::new();
        for _ in 0..50 {
            match call("POST", &self.url("/element"), Some(json!({ "using": "css selector", "value": css })))
            {
                Ok(found) => {
                    return found[ELEMENT_KEY]
                        .as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| format!("no element id in {found}"));
                }
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("{css} not found: {last}"))
    }

    pub fn fill(&self, css: &str, text: &str) -> Result<()> {
        let element = self.find(css)?;
        call("POST", &self.url(&format!("/element/{element}/clear")), None)?;
        call("POST", &self.url(&format!("/element/{element}/value")), Some(json!({ "text": text })))
            .map(|_| ())
    }

    pub fn click(&self, css: &str) -> Result<()> {
        let element = self.find(css)?;
        call("POST", &self.url(&format!("/element/{element}/click")), None).map(|_| ())
    }

    /// The text of the element `css` selects. An element found on a page that a click was still
    /// replacing goes stale before it can be read: it is looked up again on the new page.
    pub fn text(&self, css: &str) -> Result<String> {
        let mut last = String::new();
        for _ in 0..50 {
            let element = self.find(css)?;
            match call("GET", &self.url(&format!("/element/{element}/text")), None) {
                Ok(text) => return Ok(text.as_str().unwrap_or_default().to_owned()),
                Err(e) if e.contains("stale element") => last = e,
                Err(e) => return Err(e),
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("{css} kept going stale: {last}"))
    }

    pub fn source(&self) -> Result<String> {
        Ok(call("GET", &self.url("/source"), None)?.as_str().unwrap_or_default().to_owned())
    }

    /// Reloads the current page, as the browser's reload button does.
    pub fn refresh(&self) -> Result<()> {
        call("POST", &self.url("/refresh"), None).map(|_| ())
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub fn execute(&self, script: &str) -> Result<Value> {
        call("POST", &self.url("/execute/sync"), Some(json!({ "script": script, "args": [] })))
    }

    /// Sets the outer window size in CSS pixels.
    pub fn resize(&self, width: u32, height: u32) -> Result<()> {
        call("POST", &self.url("/window/rect"), Some(json!({ "width": width, "height": height }))).map(|_| ())
    }

    pub fn screenshot(&self, path: &std::path::Path) -> Result<()> {
        let data = call("GET", &self.url("/screenshot"), None)?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| e.to_string())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = call("DELETE", &format!("{}/session/{}", self.base, self.session), None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
