//! A `redis-server` started by a test on a free loopback port.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Every test server's password starts with this (and ends with a random part of its own, so a
/// test can never talk to another test's server by mistake).
pub(super) const PASSWORD: &str = "s3cret-Pa55word";

/// A `redis-server` of this test: loopback only, password set, no persistence; killed on drop.
pub(super) struct RedisServer {
    pub(super) port: u16,
    password: String,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free port (another one if that port was taken meanwhile).
    pub(super) fn start() -> Self {
        let password = format!("{PASSWORD}-{:016x}", rand::random::<u64>());
        for _ in 0..5 {
            let mut server = Self {
                port: free_port(),
                password: password.clone(),
                child: None,
            };
            if server.launch() {
                return server;
            }
        }
        panic!("could not start redis-server on a free loopback port (5 tries)");
    }

    /// Starts `redis-server` again on the same port.
    pub(super) fn restart(&mut self) {
        assert!(
            self.launch(),
            "redis-server could not start again on port {}: another process took it",
            self.port
        );
    }

    /// Starts `redis-server` on this port; `true` once it answers with this password, `false`
    /// if the port is someone else's.
    fn launch(&mut self) -> bool {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
            .args(["--requirepass", &self.password])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "redis-server is not installed: run scripts/setup (it installs Debian's \
                 redis-server), then run the tests again"
            ),
            Err(e) => panic!("could not start redis-server: {e}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.answer() {
                Some(answer) if answer.starts_with("+OK\r\n+PONG") => return true,
                // Someone else's server (another password) on this port: ours could not bind.
                Some(answer) if answer.starts_with('-') => {
                    self.kill();
                    return false;
                }
                _ => {}
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() >= deadline {
                self.kill();
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the server on this port answers to `AUTH <password>` and `PING`, if anything.
    fn answer(&self) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let request = format!("AUTH {}\r\nPING\r\n", self.password);
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = Vec::new();
        let mut buf = [0; 256];
        while answer.iter().filter(|&&b| b == b'\n').count() < 2 {
            let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
            answer.extend_from_slice(&buf[..n]);
        }
        Some(String::from_utf8_lossy(&answer).into_owned())
    }

    /// The URL of this server with its password.
    pub(super) fn url(&self) -> String {
        self.url_with_password(&self.password)
    }

    pub(super) fn url_with_password(&self, password: &str) -> String {
        format!("redis://:{password}@127.0.0.1:{}/", self.port)
    }

    pub(super) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends `kill -<signal>` (STOP, CONT) to the server.
    pub(super) fn signal(&self, signal: &str) {
        let pid = self.child.as_ref().expect("redis-server is running").id();
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal} {pid}");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
