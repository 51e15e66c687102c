//! ECR Public repository policies: apply, fetch, drift and delete over HTTP, against the
//! stand-in of `common/ecr_public.rs` (moto does not emulate ECR Public). The stand-in records
//! each request, so the tests check what is sent (the operation, the Region of the signature,
//! `force` only when forced, the registry id) as well as how each answer is read.

mod common;

#[cfg(not(feature = "aws"))]
#[test]
#[ignore = "needs the aws feature: cargo test --workspace --all-features"]
fn ecr_public_tests_need_the_aws_feature() {
    eprintln!("the ECR Public tests need the aws feature");
}

#[cfg(feature = "aws")]
mod against_a_stand_in {
    use std::future::Future;

    use aws_config::{BehaviorVersion, Region, SdkConfig};
    use aws_sdk_ecrpublic::config::{Credentials, SharedCredentialsProvider};
    use common::ecr_public::{FakeEcrPublic, Mode, ACCOUNT};
    use ecr_policy::aws::{self, public, Drift, Error, Operation, Repository};
    use ecr_policy::model::PublicRepositoryPolicy;
    use ecr_policy::AccountId;

    use super::common;

    fn block_on<F: Future<Output = ()>>(body: F) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(body);
    }

    /// A configuration for eu-west-1, as one for private ECR would be: the ECR Public client
    /// made from it still calls us-east-1.
    fn config(endpoint: &str) -> SdkConfig {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .endpoint_url(endpoint)
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "testing", "testing", None, None, "tests",
            )))
            .build()
    }

    async fn client(endpoint: &str) -> aws_sdk_ecrpublic::Client {
        public::client_from_config(&config(endpoint)).await.unwrap()
    }

    fn repo(name: &str) -> Repository {
        Repository::new(name.parse().unwrap())
    }

    /// AWS's example: a user of another account may push.
    fn push_for(user: &str) -> PublicRepositoryPolicy {
        PublicRepositoryPolicy::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AllowPush","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:user/{user}"}},"Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"]}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn a_policy_applied_is_read_back_and_in_sync() {
        let server = FakeEcrPublic::start(&["base-images"], Mode::Serve);
        block_on(async {
            let client = client(&server.endpoint).await;
            assert_eq!(
                client.config().region().map(|r| r.as_ref().to_owned()),
                Some(public::REGION.to_owned())
            );
            let repo = repo("base-images");
            let policy = push_for("push-pull-user-1");

            assert_eq!(public::fetch(&client, &repo).await.unwrap(), None);
            assert_eq!(
                public::drift(&client, &repo, &policy).await.unwrap(),
                Drift::NotDeployed
            );

            let applied = public::apply(&client, &repo, &policy).await.unwrap();
            assert_eq!(applied.registry_id.as_deref(), Some(ACCOUNT));
            assert_eq!(server.policy("base-images"), Some(policy.to_json()));

            let deployed = public::fetch(&client, &repo).await.unwrap().unwrap();
            assert_eq!(deployed.text(), policy.to_json());
            assert_eq!(deployed.registry_id(), Some(ACCOUNT));
            assert_eq!(deployed.public_repository_policy().unwrap(), policy);
            assert!(public::drift(&client, &repo, &policy)
                .await
                .unwrap()
                .is_in_sync());

            // The request: ECR Public's operation, signed for us-east-1 and ecr-public, no
            // force and no registry id unless asked for.
            let sent = server.received();
            let set = sent
                .iter()
                .find(|r| r.target == "SetRepositoryPolicy")
                .expect("a SetRepositoryPolicy request");
            assert_eq!(
                set.target_header,
                "SpencerFrontendService.SetRepositoryPolicy"
            );
            assert!(
                set.authorization
                    .contains("/us-east-1/ecr-public/aws4_request"),
                "{}",
                set.authorization
            );
            assert_eq!(
                set.body,
                serde_json::json!({"repositoryName": "base-images", "policyText": policy.to_json()})
            );
            assert!(sent
                .iter()
                .all(|r| r.authorization.contains("/us-east-1/ecr-public/")));
        });
    }

    #[test]
    fn drift_is_by_meaning() {
        let server = FakeEcrPublic::start(&["app"], Mode::Serve);
        block_on(async {
            let client = client(&server.endpoint).await;
            let repo = repo("app");
            let policy = push_for("pusher");

            // `"Resource": "*"`, the AWS layout and a changed Sid mean the same.
            let mut with_resource: serde_json::Value =
                serde_json::from_str(&policy.to_json()).unwrap();
            with_resource["Statement"][0]["Resource"] = "*".into();
            with_resource["Statement"][0]["Sid"] = "Push".into();
            for text in [with_resource.to_string(), policy.to_aws_json()] {
                server.store("app", &text);
                let drift = public::drift(&client, &repo, &policy).await.unwrap();
                assert_eq!(drift, Drift::InSync, "stored {text}");
            }

            // Another user: what differs, in words.
            server.store("app", &push_for("someone-else").to_json());
            let drift = public::drift(&client, &repo, &policy).await.unwrap();
            let Drift::Drifted(diff) = &drift else {
                panic!("{drift:?}")
            };
            assert_eq!(
                diff.added[0].principal,
                "arn:aws:iam::111122223333:user/someone-else"
            );
            assert_eq!(
                diff.removed[0].principal,
                "arn:aws:iam::111122223333:user/pusher"
            );
            assert!(
                drift
                    .to_string()
                    .contains("\n  + Allow arn:aws:iam::111122223333:user/someone-else: "),
                "{drift}"
            );

            // A deployed text that is no ECR Public policy (a private ECR action) is still
            // compared, as a plain document.
            server.store(
                "app",
                &policy
                    .to_json()
                    .replace("ecr-public:PutImage", "ecr:PutImage"),
            );
            let deployed = public::fetch(&client, &repo).await.unwrap().unwrap();
            assert!(deployed.public_repository_policy().is_err());
            assert!(matches!(
                public::drift(&client, &repo, &policy).await.unwrap(),
                Drift::Drifted(_)
            ));
        });
    }

    #[test]
    fn a_lock_out_is_refused_unless_forced() {
        let server = FakeEcrPublic::start(&["final"], Mode::Serve);
        block_on(async {
            let client = client(&server.endpoint).await;
            let repo = repo("final").in_registry(AccountId::new(ACCOUNT).unwrap());
            let lock = PublicRepositoryPolicy::from_json(
                r#"{"Version":"2012-10-17","Statement":[
                  {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr-public:PutImage"},
                  {"Sid":"Final","Effect":"Deny","Principal":"*","Action":"ecr-public:*"}]}"#,
            )
            .unwrap();
            let e = public::apply(&client, &repo, &lock).await.unwrap_err();
            assert!(
                matches!(&e, Error::WouldLockOutPublic { statement: 1, repository } if repository == "final (registry 123456789012)"),
                "{e:?}"
            );
            let text = e.to_string();
            assert!(
                text.starts_with("refused to set the policy of public repository final (registry 123456789012): Statement[1] denies ecr-public:SetRepositoryPolicy"),
                "{text}"
            );
            assert!(text.contains("public::apply_forced"), "{text}");
            assert!(server.received().is_empty(), "nothing is sent");

            public::apply_forced(&client, &repo, &lock).await.unwrap();
            let sent = server.received();
            assert_eq!(sent.len(), 1);
            assert_eq!(
                sent[0].body,
                serde_json::json!({
                    "registryId": ACCOUNT,
                    "repositoryName": "final",
                    "policyText": lock.to_json(),
                    "force": true
                })
            );
        });
    }

    #[test]
    fn errors_keep_the_message_and_say_what_to_do() {
        let server = FakeEcrPublic::start(&["app"], Mode::Serve);
        block_on(async {
            let client = client(&server.endpoint).await;
            let missing = repo("missing");
            let e = public::apply(&client, &missing, &push_for("pusher"))
                .await
                .unwrap_err();
            assert!(
                matches!(&e, Error::RepositoryNotFound { repository, message, .. }
                    if repository == "missing" && message.contains("'missing' does not exist")),
                "{e:?}"
            );
            assert!(
                e.to_string()
                    .starts_with("public repository missing not found: "),
                "{e}"
            );
            assert_eq!(
                e.sdk_failure().map(aws::SdkFailure::operation),
                Some(Operation::PublicSetRepositoryPolicy)
            );
            let e = public::fetch(&client, &missing).await.unwrap_err();
            assert!(matches!(e, Error::RepositoryNotFound { .. }), "{e:?}");

            // Deleting: the text that was there, then nothing.
            let policy = push_for("pusher");
            let app = repo("app");
            assert_eq!(public::delete(&client, &app).await.unwrap(), None);
            public::apply(&client, &app, &policy).await.unwrap();
            assert_eq!(
                public::delete(&client, &app).await.unwrap(),
                Some(policy.to_json())
            );
            assert_eq!(public::fetch(&client, &app).await.unwrap(), None);

            // A text that is no policy document.
            server.store("app", "{\"Statement\": [");
            let e = public::fetch(&client, &app).await.unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("the policy on public repository app cannot be read: "),
                "{e}"
            );
        });
    }

    /// A client built for another Region by hand gets ECR Public's `UnsupportedCommandException`;
    /// the error says which Region to use.
    #[test]
    fn outside_its_region_the_error_names_it() {
        let server = FakeEcrPublic::start(&["app"], Mode::Unsupported);
        block_on(async {
            let by_hand = aws_sdk_ecrpublic::Client::from_conf(
                aws_sdk_ecrpublic::config::Builder::from(&config(&server.endpoint))
                    .http_client(aws::https_client())
                    .build(),
            );
            let e = public::fetch(&by_hand, &repo("app")).await.unwrap_err();
            assert!(
                matches!(&e, Error::Aws { operation: Operation::PublicGetRepositoryPolicy, code: Some(code), .. } if code == "UnsupportedCommandException"),
                "{e:?}"
            );
            let text = e.to_string();
            assert!(
                text.starts_with("ECR Public GetRepositoryPolicy failed with UnsupportedCommandException (HTTP 400): "),
                "{text}"
            );
            assert!(text.contains("ECR Public's API is in us-east-1"), "{text}");
            assert!(server.received()[0]
                .authorization
                .contains("/eu-west-1/ecr-public/"));
        });
    }

    #[test]
    fn a_configuration_without_credentials_is_refused() {
        block_on(async {
            let config = SdkConfig::builder()
                .behavior_version(BehaviorVersion::latest())
                .build();
            let e = public::client_from_config(&config).await.unwrap_err();
            assert!(e.to_string().starts_with("no AWS credentials: "), "{e}");
        });
    }
}
