//! Apply, fetch and drift over HTTP against a real ECR API server: moto's, started on a free
//! port of 127.0.0.1 (see `common/moto.rs`), with fake credentials.
//!
//! moto stores the policy text as it was sent, where AWS re-serialises it (ECR-FACTS 4): the
//! tests store both forms and require the drift check to call both in sync.

mod common;

#[cfg(not(feature = "aws"))]
#[test]
#[ignore = "needs the aws feature: cargo test --workspace --all-features"]
fn ecr_api_server_tests_need_the_aws_feature() {
    eprintln!("the tests against a local ECR API server need the aws feature");
}

#[cfg(feature = "aws")]
mod against_moto {
    use std::future::Future;
    use std::time::Duration;

    use aws_sdk_ecr::config::http::HttpResponse;
    use aws_sdk_ecr::config::retry::RetryConfig;
    use aws_sdk_ecr::config::timeout::TimeoutConfig;
    use aws_sdk_ecr::config::{BehaviorVersion, Credentials, Region};
    use aws_sdk_ecr::error::SdkError;
    use aws_sdk_ecr::operation::set_repository_policy::SetRepositoryPolicyError;
    use aws_sdk_ecr::Client;
    use common::moto::{OnSet, StandIn};
    use ecr_policy::aws::{self, Drift, Error, Repository};
    use ecr_policy::lint::LintCode;
    use ecr_policy::model::{ActionItem, AwsPrincipal, ListForm, Principal};
    use ecr_policy::names::Partition;
    use ecr_policy::{
        AccountId, Action, Bundle, RepositoryName, RepositoryPolicy, Sid, StatementBuilder,
        UserName, Version,
    };

    use super::common;

    /// The account moto's registry belongs to.
    const ACCOUNT: &str = "123456789012";

    fn account() -> AccountId {
        AccountId::new(ACCOUNT).unwrap()
    }

    fn client(endpoint: &str) -> Client {
        let config = aws_sdk_ecr::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .endpoint_url(endpoint)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .timeout_config(
                aws_sdk_ecr::config::timeout::TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(30))
                    .build(),
            )
            .build();
        Client::from_conf(config)
    }

    /// Runs `body` with a client of the shared server, or says the test was skipped.
    fn with_server<F: Future<Output = ()>>(test: &str, body: impl FnOnce(Client) -> F) {
        let server = match common::moto::server() {
            Ok(s) => s,
            Err(why) => return common::moto::say_skipped(test, &why),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(body(client(&server.endpoint)));
    }

    /// Creates the repository `name` on the server.
    async fn create(client: &Client, name: &str) -> Repository {
        client
            .create_repository()
            .repository_name(name)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "creating {name}: {}",
                    aws_sdk_ecr::error::DisplayErrorContext(e)
                )
            });
        Repository::new(RepositoryName::new(name).unwrap())
    }

    /// Stores `text` as the repository's policy exactly, for forms the typed API never sends.
    async fn store_text(client: &Client, repo: &Repository, text: &str) {
        client
            .set_repository_policy()
            .repository_name(repo.name().as_str())
            .policy_text(text)
            .send()
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "storing {text}: {}",
                    aws_sdk_ecr::error::DisplayErrorContext(e)
                )
            });
    }

    /// The seed document's policy: the CI/CD user may push and pull (as examples/apply.rs).
    fn seed_for(user: &str) -> RepositoryPolicy {
        RepositoryPolicy::builder()
            .version(Version::V2008_10_17)
            .account(account())
            .statement(
                StatementBuilder::allow()
                    .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                    .user(UserName::new(user).unwrap())
                    .bundle(Bundle::Push)
                    .bundle(Bundle::Pull),
            )
            .build()
            .unwrap()
    }

    fn seed() -> RepositoryPolicy {
        seed_for("fcj-ecr-ci-cd-user")
    }

    fn drifted(drift: &Drift) -> String {
        match drift {
            Drift::Drifted(_) => drift.to_string(),
            other => panic!("expected drift, got {other:?}"),
        }
    }

    /// The report's line for `sign` (`+` or `-`) and `principal`: `+ Allow <principal>: <actions>`.
    fn line<'r>(report: &'r str, sign: char, principal: &str) -> &'r str {
        let start = format!("  {sign} Allow {principal}: ");
        report
            .lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in\n{report}"))
    }

    /// The actions of a report line, as the report writes them (the catalogue's spelling).
    fn actions(line: &str) -> Vec<&str> {
        line.rsplit_once(": ")
            .map(|(_, actions)| actions.split(", ").collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_policy_applied_is_read_back_and_in_sync() {
        with_server(
            "a_policy_applied_is_read_back_and_in_sync",
            |client| async move {
                let repo = create(&client, "round-trip").await;
                let policy = seed();
                let applied = aws::apply(&client, &repo, &policy).await.unwrap();
                assert_eq!(applied.registry_id.as_deref(), Some(ACCOUNT));

                let deployed = aws::fetch(&client, &repo).await.unwrap().expect("a policy");
                assert_eq!(deployed.registry_id(), Some(ACCOUNT));
                // moto keeps the text as sent (AWS would re-serialise it).
                assert_eq!(deployed.text(), policy.to_json());
                assert_eq!(deployed.repository_policy().unwrap(), policy);
                assert_eq!(
                    aws::drift(&client, &repo, &policy).await.unwrap(),
                    Drift::InSync
                );
            },
        );
    }

    #[test]
    fn the_text_aws_returns_is_in_sync() {
        with_server("the_text_aws_returns_is_in_sync", |client| async move {
            let repo = create(&client, "aws-form").await;

            // The seed as AWS hands it back: Jackson's pretty printer, `"Key" : value`.
            let policy = seed();
            let aws_text = policy.to_aws_json();
            assert!(aws_text.contains("\"Effect\" : \"Allow\""), "{aws_text}");
            store_text(&client, &repo, &aws_text).await;
            assert_eq!(
                aws::fetch(&client, &repo).await.unwrap().unwrap().text(),
                aws_text
            );
            assert_eq!(
                aws::drift(&client, &repo, &policy).await.unwrap(),
                Drift::InSync
            );

            // A bare account id and a single action as a string, as sent; AWS returns the
            // `:root` ARN. Both forms, and the single action as a list, are in sync.
            let policy = RepositoryPolicy::builder()
                .statement(
                    StatementBuilder::deny()
                        .principal(Principal::Aws(AwsPrincipal::Account {
                            partition: Partition::Aws,
                            account: AccountId::new("210987654321").unwrap(),
                            bare: true,
                        }))
                        .action(Action::ListImages)
                        .action_form(ListForm::Compact),
                )
                .build()
                .unwrap()
                .into_policy()
                .unwrap();
            let sent = policy.to_json();
            assert!(
                sent.contains(r#""AWS":"210987654321""#)
                    && sent.contains(r#""Action":"ecr:ListImages""#),
                "{sent}"
            );
            let returned = policy.to_aws_json();
            assert!(
                returned.contains("arn:aws:iam::210987654321:root"),
                "{returned}"
            );
            let as_list = sent.replace(r#""ecr:ListImages""#, r#"["ecr:ListImages"]"#);
            for text in [&sent, &returned, &as_list] {
                store_text(&client, &repo, text).await;
                let drift = aws::drift(&client, &repo, &policy).await.unwrap();
                assert_eq!(drift, Drift::InSync, "stored {text}");
            }

            // ECR-FACTS 4, exchange 1: the bytes sent (Action before Principal) and the bytes
            // AWS returned.
            let policy = RepositoryPolicy::builder()
                .statement(
                    StatementBuilder::allow()
                        .sid(Sid::new("AllowPull").unwrap())
                        .anyone()
                        .action(Action::BatchGetImage)
                        .action(Action::GetDownloadUrlForLayer),
                )
                .build()
                .unwrap()
                .into_policy()
                .unwrap();
            let sent = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowPull","Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Principal":"*"}]}"#;
            let returned = "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"AllowPull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : \"*\",\n    \"Action\" : [ \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}";
            for text in [sent, returned] {
                store_text(&client, &repo, text).await;
                let drift = aws::drift(&client, &repo, &policy).await.unwrap();
                assert_eq!(drift, Drift::InSync, "stored {text}");
            }
        });
    }

    #[test]
    fn drift_is_reported_as_access_added_and_removed() {
        with_server(
            "drift_is_reported_as_access_added_and_removed",
            |client| async move {
                let repo = create(&client, "drift").await;
                let code = seed();

                // Another principal.
                aws::apply(&client, &repo, &seed_for("someone-else"))
                    .await
                    .unwrap();
                let drift = aws::drift(&client, &repo, &code).await.unwrap();
                let report = drifted(&drift);
                assert!(
                    report.starts_with("drift: the deployed policy differs from the code"),
                    "{report}"
                );
                // Only the deployed policy lets someone-else push and pull; only the code lets
                // the CI/CD user.
                let added = line(
                    &report,
                    '+',
                    "the user someone-else in the owning account 123456789012",
                );
                let removed = line(
                    &report,
                    '-',
                    "the user fcj-ecr-ci-cd-user in the owning account 123456789012",
                );
                for l in [added, removed] {
                    let mut got = actions(l);
                    got.sort_unstable();
                    let mut want: Vec<String> = code.document().statements[0]
                        .action
                        .as_ref()
                        .unwrap()
                        .actions
                        .iter()
                        .map(|a| a.as_str().to_owned())
                        .collect();
                    want.sort_unstable();
                    assert_eq!(got, want, "{l}");
                }
                // The heading, then each change with the request that proves it.
                assert_eq!(report.lines().count(), 5, "{report}");
                let Drift::Drifted(diff) = &drift else {
                    unreachable!()
                };
                assert!(!diff.version_changed);

                // One more action.
                let wider = RepositoryPolicy::builder()
                    .version(Version::V2008_10_17)
                    .account(account())
                    .statement(
                        StatementBuilder::allow()
                            .sid(Sid::new("AllowPushPullFromCICDUser").unwrap())
                            .user(UserName::new("fcj-ecr-ci-cd-user").unwrap())
                            .bundle(Bundle::Push)
                            .bundle(Bundle::Pull)
                            .action(Action::DeleteRepository),
                    )
                    .build()
                    .unwrap();
                aws::apply(&client, &repo, &wider).await.unwrap();
                let report = drifted(&aws::drift(&client, &repo, &code).await.unwrap());
                let added = line(
                    &report,
                    '+',
                    "the user fcj-ecr-ci-cd-user in the owning account 123456789012",
                );
                assert_eq!(actions(added), ["ecr:DeleteRepository"], "{report}");
                assert!(!report.contains("\n  - "), "nothing was removed: {report}");
                assert_eq!(report.lines().count(), 3, "{report}");

                // Another Sid and another Version grant nothing new (the policy has no policy
                // variables, which the Version would turn on or off): no drift.
                let mut renamed: serde_json::Value = serde_json::from_str(&code.to_json()).unwrap();
                renamed["Version"] = "2012-10-17".into();
                renamed["Statement"][0]["Sid"] = "CiCdPushPull".into();
                let renamed = renamed.to_string();
                assert!(renamed.contains(r#""Sid":"CiCdPushPull""#), "{renamed}");
                store_text(&client, &repo, &renamed).await;
                assert_eq!(
                    aws::drift(&client, &repo, &code).await.unwrap(),
                    Drift::InSync,
                    "{renamed}"
                );

                // The same actions in another order, keys in another order: no drift.
                let mut value: serde_json::Value = serde_json::from_str(&code.to_json()).unwrap();
                let actions = value["Statement"][0]["Action"].as_array_mut().unwrap();
                actions.reverse();
                let reordered = format!(
                    r#"{{"Statement":[{{"Action":{},"Principal":{},"Effect":"Allow","Sid":"AllowPushPullFromCICDUser"}}],"Version":"2008-10-17"}}"#,
                    value["Statement"][0]["Action"], value["Statement"][0]["Principal"],
                );
                assert!(
                    reordered.starts_with(r#"{"Statement":[{"Action":["ecr:CompleteLayerUpload""#),
                    "{reordered}"
                );
                store_text(&client, &repo, &reordered).await;
                assert_eq!(
                    aws::drift(&client, &repo, &code).await.unwrap(),
                    Drift::InSync
                );
            },
        );
    }

    #[test]
    fn missing_repositories_and_policies() {
        with_server("missing_repositories_and_policies", |client| async move {
            let missing = Repository::new(RepositoryName::new("no-such-repository").unwrap());
            let e = aws::fetch(&client, &missing).await.unwrap_err();
            assert!(
                matches!(&e, Error::RepositoryNotFound { message, .. } if message.contains("'no-such-repository' does not exist")),
                "{e:?}"
            );
            let e = aws::apply(&client, &missing, &seed()).await.unwrap_err();
            assert!(matches!(e, Error::RepositoryNotFound { .. }), "{e:?}");
            assert!(e.to_string().contains("create it first"), "{e}");

            // A repository without a policy: `None`, and drift says so.
            let repo = create(&client, "no-policy").await;
            assert_eq!(aws::fetch(&client, &repo).await.unwrap(), None);
            let drift = aws::drift(&client, &repo, &seed()).await.unwrap();
            assert_eq!(drift, Drift::NotDeployed);
            assert!(drift.to_string().contains("no policy"));

            // The same name in another registry.
            let elsewhere = repo
                .clone()
                .in_registry(AccountId::new("999999999999").unwrap());
            let e = aws::fetch(&client, &elsewhere).await.unwrap_err();
            assert!(
                matches!(&e, Error::RepositoryNotFound { message, .. } if message.contains("999999999999")),
                "{e:?}"
            );
        });
    }

    #[test]
    fn a_policy_the_server_rejects_keeps_its_message() {
        with_server(
            "a_policy_the_server_rejects_keeps_its_message",
            |client| async move {
                let repo = create(&client, "rejected").await;
                // An action without its service prefix: kept as written by the model, refused by ECR.
                let policy = RepositoryPolicy::builder()
                    .statement(
                        StatementBuilder::allow()
                            .anyone()
                            .action(ActionItem::Other("PutImage".to_owned())),
                    )
                    .build()
                    .unwrap()
                    .into_policy()
                    .unwrap();
                let e = aws::apply(&client, &repo, &policy).await.unwrap_err();
                assert!(
                    matches!(&e, Error::InvalidPolicy { message, .. } if message.contains("Invalid repository policy provided")),
                    "{e:?}"
                );
                assert_eq!(
                    aws::fetch(&client, &repo).await.unwrap(),
                    None,
                    "nothing was stored"
                );

                // Longer than ECR stores: refused before sending.
                let mut statement = StatementBuilder::allow().action(Action::BatchGetImage);
                for i in 0..300 {
                    statement = statement.principal(Principal::user(
                        account(),
                        UserName::new(format!("user-{i:04}")).unwrap(),
                    ));
                }
                let long = RepositoryPolicy::builder()
                    .statement(statement)
                    .build()
                    .unwrap()
                    .into_policy()
                    .unwrap();
                let e = aws::apply(&client, &repo, &long).await.unwrap_err();
                assert!(
                    matches!(e, Error::PolicyTooLong { length } if length == long.to_json().len()),
                    "{e:?}"
                );
            },
        );
    }

    #[test]
    fn a_lock_out_is_refused_unless_forced() {
        with_server("a_lock_out_is_refused_unless_forced", |client| async move {
            let repo = create(&client, "lock-out").await;
            let before = seed();
            aws::apply(&client, &repo, &before).await.unwrap();

            let lock = RepositoryPolicy::builder()
                .statement(
                    StatementBuilder::deny()
                        .sid(Sid::new("NoMorePolicyChanges").unwrap())
                        .anyone()
                        .action(Action::SetRepositoryPolicy)
                        .action(Action::DeleteRepositoryPolicy),
                )
                .build()
                .unwrap()
                .into_policy()
                .unwrap();
            let e = aws::apply(&client, &repo, &lock).await.unwrap_err();
            assert!(
                matches!(&e, Error::WouldLockOut { finding, .. } if finding.code == LintCode::LocksOutPolicyChanges && finding.statement == Some(0)),
                "{e:?}"
            );
            assert_eq!(
                aws::drift(&client, &repo, &before).await.unwrap(),
                Drift::InSync,
                "nothing was sent"
            );

            aws::apply_forced(&client, &repo, &lock).await.unwrap();
            assert_eq!(
                aws::drift(&client, &repo, &lock).await.unwrap(),
                Drift::InSync
            );
        });
    }

    /// The compiled `apply` example, or why it cannot run: `cargo test --test aws_moto` alone
    /// does not build examples (a full `cargo test` does). Under `CI=true` a missing one fails.
    fn apply_example(test: &str) -> Option<std::path::PathBuf> {
        let path = common::example("apply");
        if path.exists() {
            return Some(path);
        }
        let why = format!("no {}", path.display());
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{test}: {why}; build it with cargo build --features aws --example apply");
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!(
                "SKIPPED {test}: {why}; build it with cargo build --features aws --example apply\n"
            )
            .as_bytes(),
        );
        None
    }

    /// Runs the example against the server with only `vars` set, and a home of its own (so no
    /// profile of the machine is read, and no instance metadata is asked for).
    fn run_apply(
        example: &std::path::Path,
        home: &std::path::Path,
        vars: &[(&str, &str)],
    ) -> std::process::Output {
        std::fs::create_dir_all(home).unwrap();
        let mut command = std::process::Command::new(example);
        command
            .env_clear()
            .env("HOME", home)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCOUNT_ID", ACCOUNT);
        for (k, v) in vars {
            command.env(k, v);
        }
        command.output().expect("running examples/apply")
    }

    fn home(test: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("ecr-policy-{}-{test}", std::process::id()))
    }

    /// The server, with `repositories` created on it, the example and a home of its own for
    /// `test`; `None`, said, when the server or the example is missing.
    fn example_setup(
        test: &str,
        repositories: &[&str],
    ) -> Option<(&'static str, std::path::PathBuf, std::path::PathBuf)> {
        let server = match common::moto::server() {
            Ok(s) => s,
            Err(why) => {
                common::moto::say_skipped(test, &why);
                return None;
            }
        };
        let example = apply_example(test)?;
        block_on(async {
            let moto = client(&server.endpoint);
            for name in repositories {
                create(&moto, name).await;
            }
        });
        Some((server.endpoint.as_str(), example, home(test)))
    }

    /// The variables for the fake keys, the region and `endpoint`, and the repository.
    fn keys<'a>(endpoint: &'a str, repository: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("AWS_ENDPOINT_URL", endpoint),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("ECR_REPOSITORY", repository),
        ]
    }

    fn assert_applied(out: &std::process::Output, repository: &str) {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "exit {:?}\n{stdout}\n{stderr}",
            out.status
        );
        assert!(
            stdout.contains(&format!("applied the policy to {repository}")),
            "{stdout}"
        );
        assert!(
            stdout.contains(&seed().to_json()),
            "the example's policy is the seed's: {stdout}"
        );
        assert!(
            stdout
                .trim_end()
                .ends_with("in sync: the deployed policy means what the code means"),
            "{stdout}"
        );
    }

    #[test]
    fn the_apply_example_runs_against_the_server() {
        let test = "the_apply_example_runs_against_the_server";
        let Some((endpoint, example, home)) = example_setup(test, &["example-app"]) else {
            return;
        };
        let out = run_apply(&example, &home, &keys(endpoint, "example-app"));
        assert_applied(&out, "example-app");

        // A repository that does not exist: exit 2 and ECR's message.
        let out = run_apply(&example, &home, &keys(endpoint, "not-created"));
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("The repository with name 'not-created' does not exist"),
            "{stderr}"
        );
        let _ = std::fs::remove_dir_all(&home);
    }

    /// The example goes on when the answer to `SetRepositoryPolicy` is lost but the read-back
    /// finds the policy in place; `AWS_MAX_ATTEMPTS=1` makes it send the request once.
    #[test]
    fn the_apply_example_reads_back_a_lost_answer() {
        let test = "the_apply_example_reads_back_a_lost_answer";
        let Some((endpoint, example, home)) = example_setup(test, &["example-lost"]) else {
            return;
        };
        let stand_in = StandIn::start(Some(endpoint), OnSet::ForwardThenHangUp);
        let mut vars = keys(&stand_in.endpoint, "example-lost");
        vars.push(("AWS_MAX_ATTEMPTS", "1"));
        let out = run_apply(&example, &home, &vars);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        assert!(
            stderr.starts_with("warning: SetRepositoryPolicy on repository example-lost got no answer after the request was sent: "),
            "{stderr}"
        );
        assert!(stderr.contains(MAYBE), "{stderr}");
        assert!(
            stdout.starts_with("the policy is on example-lost\n"),
            "{stdout}"
        );
        assert!(
            stdout
                .trim_end()
                .ends_with("in sync: the deployed policy means what the code means"),
            "{stdout}"
        );
        // One attempt, the read-back, then the example's own fetch and drift.
        assert_eq!(
            stand_in.seen(),
            [
                "SetRepositoryPolicy",
                "GetRepositoryPolicy",
                "GetRepositoryPolicy",
                "GetRepositoryPolicy"
            ]
        );
        let _ = std::fs::remove_dir_all(&home);
    }

    /// The configuration comes from where the AWS CLI takes it: a named profile of
    /// `~/.aws/config` (region, endpoint, retries) and `~/.aws/credentials`, or web identity
    /// (an OIDC token file and a role, exchanged with STS, here moto's).
    #[test]
    fn the_apply_example_takes_profiles_and_web_identity() {
        let test = "the_apply_example_takes_profiles_and_web_identity";
        let repositories = ["from-profile", "from-web-identity"];
        let Some((endpoint, example, home)) = example_setup(test, &repositories) else {
            return;
        };
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            format!(
                "[profile deploy]\nregion = us-east-1\nendpoint_url = {endpoint}\nmax_attempts = 2\nretry_mode = standard\n"
            ),
        )
        .unwrap();
        std::fs::write(
            home.join(".aws/credentials"),
            "[deploy]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        )
        .unwrap();
        let out = run_apply(
            &example,
            &home,
            &[
                ("AWS_PROFILE", "deploy"),
                ("ECR_REPOSITORY", "from-profile"),
            ],
        );
        assert_applied(&out, "from-profile");

        // GitHub Actions' OIDC token, as a file, and the role to assume with it.
        let token = home.join("oidc-token");
        std::fs::write(&token, "eyJhbGciOiJSUzI1NiJ9.e30.c2lnbmF0dXJl").unwrap();
        let out = run_apply(
            &example,
            &home,
            &[
                ("AWS_ENDPOINT_URL", endpoint),
                ("AWS_REGION", "us-east-1"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
                (
                    "AWS_ROLE_ARN",
                    "arn:aws:iam::123456789012:role/github-deploy",
                ),
                ("AWS_ROLE_SESSION_NAME", "ci"),
                ("ECR_REPOSITORY", "from-web-identity"),
            ],
        );
        assert_applied(&out, "from-web-identity");
        let _ = std::fs::remove_dir_all(&home);
    }

    /// Bad settings are told as errors that name them, not as panics, and missing credentials
    /// are told before any call.
    #[test]
    fn the_apply_example_names_bad_settings() {
        let test = "the_apply_example_names_bad_settings";
        let Some(example) = apply_example(test) else {
            return;
        };
        let home = home(test);
        // Nothing listens here: a call would fail, so each error below comes before any call.
        let nowhere = "http://127.0.0.1:9";
        let base = keys(nowhere, "app");
        let stderr_of = |extra: &[(&str, &str)], without: &[&str]| {
            let vars: Vec<(&str, &str)> = base
                .iter()
                .copied()
                .filter(|(k, _)| !without.contains(k))
                .chain(extra.iter().copied())
                .collect();
            let out = run_apply(&example, &home, &vars);
            assert_eq!(out.status.code(), Some(2), "{out:?}");
            String::from_utf8_lossy(&out.stderr).into_owned()
        };
        let stderr = stderr_of(&[("AWS_MAX_ATTEMPTS", "0")], &[]);
        assert!(
            stderr
                .starts_with("error: AWS_MAX_ATTEMPTS is \"0\": it must be the number of attempts"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        let stderr = stderr_of(&[("AWS_RETRY_MODE", "sometimes")], &[]);
        assert!(
            stderr.starts_with("error: AWS_RETRY_MODE is \"sometimes\""),
            "{stderr}"
        );
        let stderr = stderr_of(&[], &["AWS_REGION"]);
        assert!(
            stderr.starts_with("error: no AWS region: set AWS_REGION"),
            "{stderr}"
        );
        let stderr = stderr_of(&[], &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]);
        assert!(
            stderr.starts_with("error: no AWS credentials ("),
            "{stderr}"
        );
        assert!(stderr.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{stderr}");
        let _ = std::fs::remove_dir_all(&home);
    }

    /// The repository policies of the shared corpus (`../shared/corpus`), as people wrote them:
    /// stored as written, read back into the typed model, applied from it to a second
    /// repository, and stored as AWS would return them; every form is in sync with the model.
    #[test]
    fn corpus_repository_policies_round_trip() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/corpus/policies"
        ));
        let Ok(index) = std::fs::read_to_string(dir.join("index.json")) else {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!(
                    "SKIPPED corpus_repository_policies_round_trip: no corpus at {}\n",
                    dir.display()
                )
                .as_bytes(),
            );
            return;
        };
        let index: serde_json::Value = serde_json::from_str(&index).unwrap();
        let files: Vec<String> = ["valid", "constructed"]
            .iter()
            .flat_map(|group| index[group].as_array().cloned().unwrap_or_default())
            .filter(|e| e["kind"] == "repository")
            .filter_map(|e| e["file"].as_str().map(str::to_owned))
            .collect();
        with_server(
            "corpus_repository_policies_round_trip",
            |client| async move {
                let (mut checked, mut skipped) = (0, Vec::new());
                for (i, file) in files.iter().enumerate() {
                    let text = std::fs::read_to_string(dir.join(file)).unwrap();
                    if serde_json::from_str::<serde_json::Value>(&text).is_err() {
                        skipped.push(format!("{file}: not JSON"));
                        continue;
                    }
                    let written = create(&client, &format!("corpus-{i}-written")).await;
                    store_text(&client, &written, &text).await;
                    let deployed = aws::fetch(&client, &written)
                        .await
                        .unwrap()
                        .expect("stored");
                    let policy = match deployed.repository_policy() {
                        Ok(p) => p,
                        Err(e) => {
                            skipped.push(format!("{file}: {e}"));
                            continue;
                        }
                    };
                    assert_eq!(
                        aws::drift(&client, &written, &policy).await.unwrap(),
                        Drift::InSync,
                        "{file} as written"
                    );

                    let applied = create(&client, &format!("corpus-{i}-applied")).await;
                    aws::apply_forced(&client, &applied, &policy)
                        .await
                        .unwrap_or_else(|e| panic!("{file}: {e}"));
                    assert_eq!(
                        aws::drift(&client, &applied, &policy).await.unwrap(),
                        Drift::InSync,
                        "{file} applied"
                    );
                    store_text(&client, &applied, &policy.to_aws_json()).await;
                    assert_eq!(
                        aws::drift(&client, &applied, &policy).await.unwrap(),
                        Drift::InSync,
                        "{file} in the AWS form"
                    );
                    checked += 1;
                }
                let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("corpus: {checked} repository policies round-tripped; not applicable: {skipped:?}\n").as_bytes(),
            );
                assert!(
                    checked >= 25,
                    "only {checked} of {} corpus policies were checked; skipped: {skipped:#?}",
                    files.len()
                );
            },
        );
    }

    /// A client of `endpoint` that makes up to `attempts` attempts, quickly, each within
    /// `attempt_timeout` when given.
    fn client_with(endpoint: &str, attempts: u32, attempt_timeout: Option<Duration>) -> Client {
        let mut timeouts = TimeoutConfig::builder().operation_timeout(Duration::from_secs(30));
        if let Some(t) = attempt_timeout {
            timeouts = timeouts.operation_attempt_timeout(t);
        }
        let config = aws_sdk_ecr::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .endpoint_url(endpoint)
            .http_client(aws::https_client())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(attempts)
                    .with_initial_backoff(Duration::from_millis(10)),
            )
            .timeout_config(timeouts.build())
            .build();
        Client::from_conf(config)
    }

    /// Runs `body` on a runtime of its own (for the tests that need no moto).
    fn block_on<F: Future<Output = ()>>(body: F) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(body);
    }

    fn sdk_set_error(e: &Error) -> &SdkError<SetRepositoryPolicyError, HttpResponse> {
        std::error::Error::source(e)
            .and_then(|s| s.downcast_ref())
            .unwrap_or_else(|| panic!("the SDK error is the source of {e:?}"))
    }

    const MAYBE: &str = "request may have reached ECR; the policy may or may not be applied";

    #[test]
    fn a_lost_answer_after_the_policy_was_applied_is_read_back_in_sync() {
        with_server(
            "a_lost_answer_after_the_policy_was_applied_is_read_back_in_sync",
            |moto| async move {
                let repo = create(&moto, "lost-answer-applied").await;
                let upstream = &common::moto::server().unwrap().endpoint;
                // ECR stores the policy, but its answer is lost on the way back.
                let stand_in = StandIn::start(Some(upstream), OnSet::ForwardThenHangUp);
                let client = client_with(&stand_in.endpoint, 2, None);
                let policy = seed();
                let e = aws::apply(&client, &repo, &policy).await.unwrap_err();
                assert!(
                    matches!(&e, Error::Unconfirmed { deployed: Ok(Drift::InSync), repository, .. } if repository == "lost-answer-applied"),
                    "{e:?}"
                );
                let text = e.to_string();
                assert!(text.contains(MAYBE), "{text}");
                assert!(text.ends_with("the deployed policy means what was sent, so it is in place (set by this request or already before)"), "{text}");
                assert!(
                    matches!(sdk_set_error(&e), SdkError::DispatchFailure(_)),
                    "{e:?}"
                );
                // Both attempts were sent, then the policy was read back.
                assert_eq!(
                    stand_in.seen(),
                    [
                        "SetRepositoryPolicy",
                        "SetRepositoryPolicy",
                        "GetRepositoryPolicy"
                    ]
                );
                // The read-back told the truth: the policy is there.
                assert_eq!(
                    aws::drift(&moto, &repo, &policy).await.unwrap(),
                    Drift::InSync
                );
            },
        );
    }

    #[test]
    fn a_lost_request_is_read_back_as_not_applied() {
        with_server(
            "a_lost_request_is_read_back_as_not_applied",
            |moto| async move {
                let upstream = &common::moto::server().unwrap().endpoint;
                let stand_in = StandIn::start(Some(upstream), OnSet::HangUp);
                let client = client_with(&stand_in.endpoint, 1, None);

                // A repository with another policy: the read-back shows what differs.
                let repo = create(&moto, "lost-request").await;
                aws::apply(&moto, &repo, &seed_for("someone-else"))
                    .await
                    .unwrap();
                let e = aws::apply(&client, &repo, &seed()).await.unwrap_err();
                let Error::Unconfirmed {
                    deployed: Ok(Drift::Drifted(diff)),
                    ..
                } = &e
                else {
                    panic!("{e:?}")
                };
                assert!(
                    diff.added
                        .iter()
                        .any(|a| a.principal.starts_with("the user someone-else ")),
                    "{diff:?}"
                );
                let text = e.to_string();
                assert!(text.contains(MAYBE), "{text}");
                assert!(
                    text.contains("so the policy sent is not in place; applying it again is safe"),
                    "{text}"
                );
                // In the words of `aws::drift` on the repository: its owning account, its ARN,
                // and requests made on it.
                assert!(
                    text.contains(
                        "\n  + Allow the user someone-else in the owning account 123456789012: "
                    ),
                    "{text}"
                );
                let arn = "arn:aws:ecr:us-east-1:123456789012:repository/lost-request";
                assert!(text.contains(&format!(" on {arn}")), "{text}");
                for change in diff.added.iter().chain(&diff.removed) {
                    let example = change
                        .counterexample
                        .as_ref()
                        .expect("a request per change");
                    assert_eq!(example.repository.as_str(), arn, "{change:?}");
                }
                assert_eq!(
                    *diff,
                    match aws::drift(&moto, &repo, &seed()).await.unwrap() {
                        Drift::Drifted(read) => read,
                        other => panic!("{other}"),
                    },
                    "the read-back says what aws::drift says"
                );

                // A repository without a policy.
                let bare = create(&moto, "lost-request-bare").await;
                let e = aws::apply(&client, &bare, &seed()).await.unwrap_err();
                assert!(
                    matches!(
                        &e,
                        Error::Unconfirmed {
                            deployed: Ok(Drift::NotDeployed),
                            ..
                        }
                    ),
                    "{e:?}"
                );
                assert_eq!(aws::fetch(&moto, &bare).await.unwrap(), None);
            },
        );
    }

    #[test]
    fn an_answer_that_never_comes_is_a_time_out_and_read_back() {
        with_server(
            "an_answer_that_never_comes_is_a_time_out_and_read_back",
            |moto| async move {
                let repo = create(&moto, "no-answer").await;
                let upstream = &common::moto::server().unwrap().endpoint;
                let stand_in = StandIn::start(Some(upstream), OnSet::Hold);
                let client = client_with(&stand_in.endpoint, 1, Some(Duration::from_millis(500)));
                let e = aws::apply(&client, &repo, &seed()).await.unwrap_err();
                assert!(
                    matches!(
                        &e,
                        Error::Unconfirmed {
                            deployed: Ok(Drift::NotDeployed),
                            ..
                        }
                    ),
                    "{e:?}"
                );
                assert!(
                    matches!(sdk_set_error(&e), SdkError::TimeoutError(_)),
                    "{e:?}"
                );
                assert!(e.to_string().contains(MAYBE), "{e}");
                assert_eq!(
                    stand_in.seen(),
                    ["SetRepositoryPolicy", "GetRepositoryPolicy"]
                );
            },
        );
    }

    /// An attempt that may have been applied counts, even when the last attempt could not
    /// connect at all; the read-back then fails too, and says so.
    #[test]
    fn a_retry_that_cannot_connect_does_not_hide_a_lost_answer() {
        let stand_in = StandIn::start(None, OnSet::HangUpThenStop);
        let client = client_with(&stand_in.endpoint, 2, None);
        let repo = Repository::new(RepositoryName::new("app").unwrap());
        block_on(async move {
            let e = aws::apply(&client, &repo, &seed()).await.unwrap_err();
            let Error::Unconfirmed {
                deployed: Err(reread),
                ..
            } = &e
            else {
                panic!("{e:?}")
            };
            assert!(
                matches!(
                    &**reread,
                    Error::Transport {
                        operation: aws::Operation::GetRepositoryPolicy,
                        ..
                    }
                ),
                "{reread:?}"
            );
            let text = e.to_string();
            assert!(text.contains(MAYBE), "{text}");
            assert!(
                text.contains("that failed too (GetRepositoryPolicy got no answer from ECR: "),
                "{text}"
            );
            assert_eq!(stand_in.seen(), ["SetRepositoryPolicy"]);
        });
    }

    #[test]
    fn a_refused_connection_sends_nothing() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = client_with(&format!("http://127.0.0.1:{port}"), 2, None);
        let repo = Repository::new(RepositoryName::new("app").unwrap());
        block_on(async move {
            let e = aws::apply(&client, &repo, &seed()).await.unwrap_err();
            assert!(
                matches!(
                    &e,
                    Error::Transport {
                        operation: aws::Operation::SetRepositoryPolicy,
                        ..
                    }
                ),
                "{e:?}"
            );
            assert!(
                matches!(sdk_set_error(&e), SdkError::DispatchFailure(_)),
                "{e:?}"
            );
            let text = e.to_string();
            assert!(
                text.starts_with("SetRepositoryPolicy got no answer from ECR: "),
                "{text}"
            );
            assert!(
                text.contains("the request was not sent, so the policy is unchanged"),
                "{text}"
            );
            assert!(!text.contains("may have reached"), "{text}");
        });
    }

    #[test]
    fn an_answer_without_a_body_keeps_its_http_status() {
        let stand_in = StandIn::start(None, OnSet::BadGateway);
        let client = client_with(&stand_in.endpoint, 1, None);
        let repo = Repository::new(RepositoryName::new("app").unwrap());
        block_on(async move {
            let e = aws::apply(&client, &repo, &seed()).await.unwrap_err();
            assert!(
                matches!(
                    &e,
                    Error::Aws {
                        operation: aws::Operation::SetRepositoryPolicy,
                        code: None,
                        ..
                    }
                ),
                "{e:?}"
            );
            assert_eq!(e.http_status(), Some(502));
            assert_eq!(
                e.to_string(),
                "SetRepositoryPolicy failed with HTTP 502 and no error code: (ECR sent no message)"
            );
            assert!(
                matches!(sdk_set_error(&e), SdkError::ServiceError(_)),
                "{e:?}"
            );

            let e = aws::fetch(&client, &repo).await.unwrap_err();
            assert_eq!(e.http_status(), Some(502), "{e:?}");
            assert!(
                e.to_string()
                    .starts_with("GetRepositoryPolicy failed with HTTP 502"),
                "{e}"
            );
        });
        assert_eq!(
            stand_in.seen(),
            ["SetRepositoryPolicy", "GetRepositoryPolicy"]
        );
    }
}
