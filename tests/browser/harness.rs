//! Starts the portal binary and a browser for one test; both stop when dropped.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::webdriver::Browser;

pub const PASSWORD: &str = "correct horse battery staple";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn wait_until(what: &str, timeout: Duration, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The portal binary serving a fresh database in a temp folder.
pub struct Server {
    pub base: String,
    child: Child,
    dir: tempfile::TempDir,
}

impl Server {
    pub fn start() -> Self {
        Self::start_with_env(&[])
    }

    /// Starts the portal with extra environment, e.g. `FLEXPORTAL_FAKE_NOW` to fix its clock.
    pub fn start_with_env(env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            child: Self::command(dir.path().to_path_buf(), port)
                .envs(env.iter().copied())
                .arg("serve")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("flexportal binary"),
            dir,
        };
        let health = format!("{}/healthz", server.base);
        wait_until("the portal", Duration::from_secs(30), || ureq::get(&health).call().is_ok());
        server
    }

    fn command(data_dir: PathBuf, port: u16) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_flexportal"));
        command
            .env("FLEXPORTAL_PROFILE", "test")
            .env("FLEXPORTAL_PORT", port.to_string())
            .env("FLEXPORTAL_PUBLIC_BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("FLEXPORTAL_DATA_DIR", &data_dir)
            .env(
                "FLEXPORTAL_DATABASE_URL",
                format!("sqlite://{}?mode=rwc", data_dir.join("browser.db").display()),
            )
            .env("FLEXPORTAL_LOG", "warn");
        command
    }

    /// Runs `flexportal sweep` beside the server, as a second instance would: it delivers the
    /// outbox (as `.eml` files in the data folder, the test profile's transport) among its jobs.
    pub fn sweep(&self) {
        let port: u16 = self.base.rsplit(':').next().unwrap().parse().unwrap();
        let status = Self::command(self.dir.path().to_path_buf(), port)
            .arg("sweep")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "flexportal sweep");
    }

    /// The text of every mail delivered so far.
    pub fn mails(&self) -> Vec<String> {
        let dir = self.dir.path().join("mail");
        std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
            .unwrap_or_default()
    }

    /// Writes `content` to a file in the data folder; returns its path.
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Creates a user through the command line, as an operator would.
    pub fn create_user(&self, email: &str, role: &str) {
        let port: u16 = self.base.rsplit(':').next().unwrap().parse().unwrap();
        let mut child = Self::command(self.dir.path().to_path_buf(), port)
            .args(["user", "create", "--email", email, "--role", role, "--name", "Demo Operator"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "user create");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh headless Chromium session with its own profile folder.
pub fn browser() -> Browser {
    Browser::start().expect("chromedriver and chromium (apt-get install chromium chromium-driver)")
}

/// Where screenshots of the pages a test saw are kept for people to look at.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser-screens");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
