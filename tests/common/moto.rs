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
