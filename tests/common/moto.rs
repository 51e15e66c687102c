//! A local ECR API server for the tests: moto's (`pip install 'moto[server]'`), started once per
//! test binary on a free port of 127.0.0.1 and stopped when the binary exits.

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How to get the server, said when it is missing.
pub const INSTALL: &str =
    "install the local ECR API server with: python3 -m pip install 'moto[server]'";

/// A running moto server.
pub struct MotoServer {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The server's log.
    pub log: PathBuf,
    // The shell that runs the server holds the read end of this pipe and stops the server when
    // it closes, which the operating system does when the test binary exits, however it exits:
    // a server in a `static` is never dropped.
    _lifeline: Mutex<ChildStdin>,
    _shell: Mutex<Child>,
}

static SERVER: OnceLock<Result<MotoServer, String>> = OnceLock::new();

/// The shared server, or why there is none: `Err` when `moto_server` is not installed and the
/// run is not CI (the caller skips, visibly). Under `CI=true` a missing server fails the test.
pub fn server() -> Result<&'static MotoServer, String> {
    let server = SERVER.get_or_init(start);
    match server {
        Ok(s) => Ok(s),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("the local ECR API server is needed under CI=true: {why}; {INSTALL}");
            }
            Err(why.clone())
        }
    }
}

/// Tells the person running the tests, bypassing the test harness's capture of `println!`, that
/// a test did not run.
pub fn say_skipped(test: &str, why: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {why}; {INSTALL} (or run .ci/run)"
    );
}

fn installed() -> bool {
    Command::new("moto_server")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free port on 127.0.0.1: {e}"))
}

fn start() -> Result<MotoServer, String> {
    if !installed() {
        return Err("moto_server is not on PATH".to_owned());
    }
    let port = free_port()?;
    let log =
        std::env::temp_dir().join(format!("ecr-policy-moto-{}-{port}.log", std::process::id()));
    let mut shell = Command::new("sh")
        .arg("-c")
        .arg(
            r#"moto_server -H 127.0.0.1 -p "$1" >"$2" 2>&1 </dev/null &
server=$!
read -r _ || true
kill "$server" 2>/dev/null
wait "$server" 2>/dev/null
exit 0"#,
        )
        .arg("moto-lifeline")
        .arg(port.to_string())
        .arg(&log)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start sh to run moto_server: {e}"))?;
    let lifeline = shell.stdin.take().ok_or("no pipe to the server's shell")?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            break;
        }
        if Instant::now() > deadline {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            drop(lifeline); // the shell stops the server
            let _ = shell.wait();
            return Err(format!(
                "moto_server did not listen on port {port} within 60 s; its log:\n{text}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(MotoServer {
        endpoint: format!("http://127.0.0.1:{port}"),
        log,
        _lifeline: Mutex::new(lifeline),
        _shell: Mutex::new(shell),
    })
}

/// The calls that set a policy, on which a [`StandIn`] misbehaves.
const SETS: [&str; 2] = ["SetRepositoryPolicy", "PutRegistryPolicy"];

/// What a [`StandIn`] does with a `SetRepositoryPolicy` (or `PutRegistryPolicy`) request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnSet {
    /// Passes it to the upstream server (which applies the policy), then hangs up without
    /// passing the answer on.
    ForwardThenHangUp,
    /// Reads it and hangs up without an answer; the policy is not applied.
    HangUp,
    /// Reads it and hangs up, once; then stops listening, so that every later connection is
    /// refused.
    HangUpThenStop,
    /// Reads it and answers nothing, until the client gives up (at most 10 s).
    Hold,
    /// Answers `502 Bad Gateway` with an empty body, as a proxy in front of ECR may.
    BadGateway,
}

/// A stand-in for ECR's endpoint on 127.0.0.1 that misbehaves on `SetRepositoryPolicy` and
/// `PutRegistryPolicy` as told
/// and passes every other request to an upstream server (moto), or answers it with `502` when
/// there is none. It serves one connection at a time and stops by itself when dropped or after
/// 60 s.
pub struct StandIn {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    seen: std::sync::Arc<Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StandIn {
    /// Starts the stand-in in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: Option<&str>, on_set: OnSet) -> StandIn {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a port on 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.map(|u| u.trim_start_matches("http://").to_owned());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen_by_thread, stop_thread) = (Arc::clone(&seen), Arc::clone(&stop));
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop_thread.load(Ordering::SeqCst) && Instant::now() < deadline {
                let mut stream = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                if serve(&mut stream, upstream.as_deref(), on_set, &seen_by_thread) {
                    // Stop listening before hanging up, so that a retry is refused.
                    drop(listener);
                    drop(stream);
                    return;
                }
            }
        });
        StandIn {
            endpoint,
            seen,
            stop,
        }
    }

    /// The `X-Amz-Target` operations received so far, such as `SetRepositoryPolicy`.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Serves the requests of one connection; `true` when the stand-in should stop listening.
fn serve(
    stream: &mut TcpStream,
    upstream: Option<&str>,
    on_set: OnSet,
    seen: &Mutex<Vec<String>>,
) -> bool {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((head, body)) = read_request(stream) else {
        return false;
    };
    let target = header(&head, "x-amz-target")
        .and_then(|t| t.rsplit('.').next().map(str::to_owned))
        .unwrap_or_default();
    seen.lock().unwrap().push(target.clone());
    if SETS.contains(&target.as_str()) {
        match on_set {
            OnSet::ForwardThenHangUp => {
                let _ = upstream.map(|u| forward(u, &head, &body));
                return false;
            }
            OnSet::HangUp => return false,
            OnSet::HangUpThenStop => return true,
            OnSet::Hold => {
                // Until the client closes the connection (read returns 0) or the time-out.
                let mut byte = [0u8; 1];
                let _ = std::io::Read::read(stream, &mut byte);
                return false;
            }
            OnSet::BadGateway => {
                let _ = stream.write_all(BAD_GATEWAY);
                return false;
            }
        }
    }
    let answer = upstream
        .and_then(|u| forward(u, &head, &body))
        .unwrap_or_else(|| BAD_GATEWAY.to_vec());
    // Every answer says `connection: close`: one request per connection.
    let _ = stream.write_all(&answer);
    false
}

const BAD_GATEWAY: &[u8] =
    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";

/// One HTTP/1.1 request: its head (up to the blank line) and its body.
pub fn read_request(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    use std::io::Read;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut buf).ok().filter(|&n| n > 0)?;
        body.extend_from_slice(&buf[..n]);
    }
    Some((head, body))
}

pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// Sends the request to `upstream` on a connection of its own and returns the answer, with
/// `connection: close` so that the client opens a new connection for its next request.
fn forward(upstream: &str, head: &str, body: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut connection = TcpStream::connect(upstream).ok()?;
    let _ = connection.set_read_timeout(Some(Duration::from_secs(10)));
    connection.write_all(closing(head).as_bytes()).ok()?;
    connection.write_all(body).ok()?;
    let mut answer = Vec::new();
    connection.read_to_end(&mut answer).ok()?;
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let mut relayed = closing(&String::from_utf8_lossy(&answer[..end])).into_bytes();
    relayed.extend_from_slice(&answer[end..]);
    Some(relayed)
}

/// An HTTP head with its `connection` header replaced by `connection: close`.
fn closing(head: &str) -> String {
    let mut kept: String = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    kept.push_str("connection: close\r\n\r\n");
    kept
}
