//! The registry policy's apply, fetch, drift and delete over HTTP against moto's ECR API
//! server (see `common/moto.rs`), which emulates `PutRegistryPolicy`, `GetRegistryPolicy` and
//! `DeleteRegistryPolicy`.
//!
//! moto keeps one registry policy per server and takes only `ecr:CreateRepository` and
//! `ecr:ReplicateImage` in it (as its `put_registry_policy` checks), so the policies here are
//! replication policies, and the steps that share the registry run in one test, in order.

mod common;

#[cfg(not(feature = "aws"))]
#[test]
#[ignore = "needs the aws feature: cargo test --workspace --all-features"]
fn registry_policy_tests_need_the_aws_feature() {
    eprintln!("the tests against a local ECR API server need the aws feature");
}

#[cfg(feature = "aws")]
mod against_moto {
    use std::future::Future;
    use std::time::Duration;

    use aws_sdk_ecr::config::retry::RetryConfig;
    use aws_sdk_ecr::config::timeout::TimeoutConfig;
    use aws_sdk_ecr::config::{BehaviorVersion, Credentials, Region};
    use aws_sdk_ecr::Client;
    use common::moto::{OnSet, StandIn};
    use ecr_policy::aws::{self, registry, Drift, Error, Operation};
    use ecr_policy::model::RegistryPolicy;

    use super::common;

    /// The account and Region of moto's registry.
    const ACCOUNT: &str = "123456789012";
    const REGION: &str = "us-east-1";

    fn client_of(endpoint: &str, region: &str, attempts: u32) -> Client {
        let config = aws_sdk_ecr::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .endpoint_url(endpoint)
            .http_client(aws::https_client())
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(attempts)
                    .with_initial_backoff(Duration::from_millis(10)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(Duration::from_secs(30))
                    .build(),
            )
            .build();
        Client::from_conf(config)
    }

    fn with_server<F: Future<Output = ()>>(test: &str, body: impl FnOnce(Client, String) -> F) {
        let server = match common::moto::server() {
            Ok(s) => s,
            Err(why) => return common::moto::say_skipped(test, &why),
        };
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(body(
                client_of(&server.endpoint, REGION, 1),
                server.endpoint.clone(),
            ));
    }

    /// AWS's cross-account replication example, for moto's registry: `source` may replicate
    /// into it (and create repositories for that).
    fn replication(source: &str, region: &str) -> RegistryPolicy {
        RegistryPolicy::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{source}:root"}},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:{region}:{ACCOUNT}:repository/*"}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_registry_policy_is_applied_fetched_compared_and_deleted() {
        with_server(
            "a_registry_policy_is_applied_fetched_compared_and_deleted",
            |client, endpoint| async move {
                let policy = replication("111122223333", REGION);

                // Nothing yet.
                assert_eq!(registry::fetch(&client).await.unwrap(), None);
                let drift = registry::drift(&client, &policy).await.unwrap();
                assert_eq!(drift, Drift::NotDeployed);
                assert_eq!(
                    drift.to_string(),
                    "drift: no policy is set; apply the policy in code to set it"
                );
                assert_eq!(registry::delete(&client).await.unwrap(), None);

                // Applied, read back as sent, in sync.
                let applied = registry::apply(&client, &policy).await.unwrap();
                assert_eq!(applied.registry_id.as_deref(), Some(ACCOUNT));
                assert_eq!(applied.policy_text, Some(policy.to_json()));
                let deployed = registry::fetch(&client).await.unwrap().expect("a policy");
                assert_eq!(deployed.registry_id(), Some(ACCOUNT));
                assert_eq!(deployed.text(), policy.to_json());
                assert_eq!(deployed.registry_policy().unwrap(), policy);
                assert!(deployed.repository_policy().is_err(), "it has a Resource");
                assert!(registry::drift(&client, &policy)
                    .await
                    .unwrap()
                    .is_in_sync());

                // The layout AWS returns stored policies in is no drift.
                let aws_text = policy.to_aws_json();
                client
                    .put_registry_policy()
                    .policy_text(&aws_text)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    registry::fetch(&client).await.unwrap().unwrap().text(),
                    aws_text
                );
                assert!(registry::drift(&client, &policy)
                    .await
                    .unwrap()
                    .is_in_sync());

                // Another source account deployed: drift, in words.
                registry::apply(&client, &replication("444455556666", REGION))
                    .await
                    .unwrap();
                let drift = registry::drift(&client, &policy).await.unwrap();
                let Drift::Drifted(diff) = &drift else {
                    panic!("{drift:?}")
                };
                assert_eq!(diff.added.len(), 1, "{drift}");
                assert_eq!(
                    diff.added[0].principal, "arn:aws:iam::444455556666:root",
                    "{drift}"
                );
                assert_eq!(diff.removed[0].principal, "arn:aws:iam::111122223333:root");
                let report = drift.to_string();
                assert!(
                    report.contains("\n  + Allow arn:aws:iam::444455556666:root: "),
                    "{report}"
                );

                // A policy ECR refuses keeps its message, with what a registry policy needs.
                let pull = RegistryPolicy::from_json(&format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:root"}},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/*"}}]}}"#
                ))
                .unwrap();
                let e = registry::apply(&client, &pull).await.unwrap_err();
                assert!(
                    matches!(&e, Error::InvalidPolicy { message, .. } if message.contains("Invalid registry policy provided")),
                    "{e:?}"
                );
                let text = e.to_string();
                assert!(text.starts_with("ECR refused the policy: "), "{text}");
                assert!(text.contains("policy scope V1 takes only"), "{text}");
                assert_eq!(
                    e.sdk_failure().map(aws::SdkFailure::operation),
                    Some(Operation::PutRegistryPolicy)
                );

                // A policy of another Region is refused before any call.
                let elsewhere = replication("111122223333", "us-west-2");
                let e = registry::apply(&client, &elsewhere).await.unwrap_err();
                assert!(
                    matches!(&e, Error::OtherRegion { policy_region, client_region }
                        if policy_region == "us-west-2" && client_region == REGION),
                    "{e:?}"
                );
                assert!(e.to_string().contains("set AWS_REGION=us-west-2"), "{e}");

                // The answer to PutRegistryPolicy is lost after moto stored the policy: the
                // read-back finds it in place.
                let stand_in = StandIn::start(Some(&endpoint), OnSet::ForwardThenHangUp);
                let lossy = client_of(&stand_in.endpoint, REGION, 1);
                let e = registry::apply(&lossy, &policy).await.unwrap_err();
                assert!(
                    matches!(
                        &e,
                        Error::Unconfirmed {
                            deployed: Ok(Drift::InSync),
                            ..
                        }
                    ),
                    "{e:?}"
                );
                let text = e.to_string();
                assert!(
                    text.starts_with("PutRegistryPolicy on the registry got no answer after the request was sent: "),
                    "{text}"
                );
                assert!(
                    text.contains(
                        "Read back with GetRegistryPolicy: the deployed policy means what was sent"
                    ),
                    "{text}"
                );
                assert_eq!(stand_in.seen(), ["PutRegistryPolicy", "GetRegistryPolicy"]);

                // Deleted: the text that was there comes back, then there is none.
                let deleted = registry::delete(&client).await.unwrap();
                assert_eq!(deleted, Some(policy.to_json()));
                assert_eq!(registry::fetch(&client).await.unwrap(), None);
                assert_eq!(registry::delete(&client).await.unwrap(), None);
            },
        );
    }

    /// A request that never leaves changes nothing and says so.
    #[test]
    fn a_refused_connection_puts_nothing() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = client_of(&format!("http://127.0.0.1:{port}"), REGION, 2);
        let policy = replication("111122223333", REGION);
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let e = registry::apply(&client, &policy).await.unwrap_err();
                assert!(
                    matches!(
                        &e,
                        Error::Transport {
                            operation: Operation::PutRegistryPolicy,
                            ..
                        }
                    ),
                    "{e:?}"
                );
                assert!(
                    e.to_string()
                        .contains("the request was not sent, so the policy is unchanged"),
                    "{e}"
                );
                let e = registry::delete(&client).await.unwrap_err();
                assert!(e.to_string().contains("deleting again is safe"), "{e}");
            });
    }
}
