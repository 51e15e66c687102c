//! A stand-in for ECR Public's API on 127.0.0.1, as moto does not emulate ECR Public: it keeps
//! repository policies in memory and answers `SetRepositoryPolicy`, `GetRepositoryPolicy`,
//! `DeleteRepositoryPolicy` and `DescribeRepositories` (one page) in ECR Public's JSON protocol, with the errors of its API reference
//! (<https://docs.aws.amazon.com/AmazonECRPublic/latest/APIReference/API_GetRepositoryPolicy.html>),
//! and records every request. It serves one connection at a time and stops when dropped or
//! after 60 s.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::moto::{header, read_request};

/// The account of the stand-in's public registry.
pub const ACCOUNT: &str = "123456789012";

/// One request as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// The operation, from `X-Amz-Target` (`SpencerFrontendService.SetRepositoryPolicy`).
    pub target: String,
    /// The `X-Amz-Target` header whole.
    pub target_header: String,
    /// The `Authorization` header: its credential scope names the Region and the service.
    pub authorization: String,
    /// The JSON body.
    pub body: Value,
}

#[derive(Default)]
struct State {
    /// Repository name to its policy text, `None` without one.
    repositories: BTreeMap<String, Option<String>>,
    received: Vec<Received>,
}

/// How the stand-in answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As ECR Public in us-east-1.
    Serve,
    /// Every call with `UnsupportedCommandException`, as ECR Public outside its Region.
    Unsupported,
}

pub struct FakeEcrPublic {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FakeEcrPublic {
    /// Starts the stand-in with the repositories `names`, none with a policy.
    pub fn start(names: &[&str], mode: Mode) -> FakeEcrPublic {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a port on 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            repositories: names.iter().map(|n| ((*n).to_owned(), None)).collect(),
            received: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (state_of_thread, stop_thread) = (Arc::clone(&state), Arc::clone(&stop));
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stop_thread.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((mut stream, _)) => serve(&mut stream, mode, &state_of_thread),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakeEcrPublic {
            endpoint,
            state,
            stop,
        }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// Stores `text` as the policy of `name` exactly, as if set by another tool.
    pub fn store(&self, name: &str, text: &str) {
        self.state
            .lock()
            .unwrap()
            .repositories
            .insert(name.to_owned(), Some(text.to_owned()));
    }

    /// The policy text of `name` the stand-in holds.
    pub fn policy(&self, name: &str) -> Option<String> {
        self.state
            .lock()
            .unwrap()
            .repositories
            .get(name)
            .cloned()
            .flatten()
    }
}

impl Drop for FakeEcrPublic {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve(stream: &mut TcpStream, mode: Mode, state: &Mutex<State>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((head, body)) = read_request(stream) else {
        return;
    };
    let target_header = header(&head, "x-amz-target").unwrap_or_default();
    let target = target_header
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut state = state.lock().unwrap();
    state.received.push(Received {
        target: target.clone(),
        target_header,
        authorization: header(&head, "authorization").unwrap_or_default(),
        body: body.clone(),
    });
    let answer = match mode {
        Mode::Unsupported => Err((
            "UnsupportedCommandException",
            "The action isn't supported in this Region.".to_owned(),
        )),
        Mode::Serve => answer(&mut state, &target, &body),
    };
    let (status, text) = match answer {
        Ok(value) => ("200 OK", value.to_string()),
        Err((code, message)) => (
            "400 Bad Request",
            json!({"__type": code, "message": message}).to_string(),
        ),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

type Answer = Result<Value, (&'static str, String)>;

fn answer(state: &mut State, target: &str, body: &Value) -> Answer {
    if target == "DescribeRepositories" {
        let repositories: Vec<Value> = state
            .repositories
            .keys()
            .map(|name| json!({"registryId": ACCOUNT, "repositoryName": name}))
            .collect();
        return Ok(json!({ "repositories": repositories }));
    }
    let name = body["repositoryName"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let Some(policy) = state.repositories.get_mut(&name) else {
        return Err((
            "RepositoryNotFoundException",
            format!("The repository with name '{name}' does not exist in the registry with id '{ACCOUNT}'"),
        ));
    };
    let no_policy = || {
        (
            "RepositoryPolicyNotFoundException",
            format!("Repository policy does not exist for the repository with name '{name}' in the registry with id '{ACCOUNT}'"),
        )
    };
    let reply =
        |text: &str| json!({"registryId": ACCOUNT, "repositoryName": name, "policyText": text});
    match target {
        "SetRepositoryPolicy" => {
            let text = body["policyText"].as_str().unwrap_or_default();
            if serde_json::from_str::<Value>(text).is_err() {
                return Err((
                    "InvalidParameterException",
                    "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'".to_owned(),
                ));
            }
            *policy = Some(text.to_owned());
            Ok(reply(text))
        }
        "GetRepositoryPolicy" => policy.as_deref().map(reply).ok_or_else(no_policy),
        "DeleteRepositoryPolicy" => policy.take().map(|t| reply(&t)).ok_or_else(no_policy),
        other => Err((
            "UnsupportedCommandException",
            format!("{other} is not served by this stand-in"),
        )),
    }
}
