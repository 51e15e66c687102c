//! An ECR client configured the way every AWS SDK is: with `aws-config`.

use std::time::Duration;

use aws_config::retry::RetryMode;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_ecr::config::timeout::TimeoutConfig;
use aws_sdk_ecr::config::{ProvideCredentials, SharedHttpClient};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_types::os_shim_internal::{Env, Fs};

use super::Error;

/// How long to wait for a connection, and for a whole call with its retries, unless the
/// configuration passed to [`client_from_config`] says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);

/// The HTTPS client this crate gives the SDK: rustls with the *ring* crypto provider, which
/// builds with a C compiler alone (the default of the SDK, aws-lc, needs `cmake`). It speaks plain
/// HTTP too, for a local endpoint such as `http://127.0.0.1:5000`.
///
/// Give it to your own `aws-config` loader when that loader is built without its default
/// features (it then has no HTTP client for STS, SSO or the instance metadata service):
///
/// ```no_run
/// use ecr_policy::aws::{self, aws_config};
///
/// # async fn run() -> Result<(), ecr_policy::aws::Error> {
/// let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
///     .profile_name("deploy")
///     .http_client(aws::https_client())
///     .load()
///     .await;
/// let client = aws::client_from_config(&config).await?;
/// # Ok(())
/// # }
/// ```
#[must_use]
pub fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// An ECR client configured the standard way, as the AWS CLI and every AWS SDK configure
/// themselves (<https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html>):
///
/// - **Region**: `AWS_REGION` (or `AWS_DEFAULT_REGION`), else `region` of the profile.
/// - **Credentials**, the first that has some: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
///   (with `AWS_SESSION_TOKEN`, as `aws-actions/configure-aws-credentials` exports them in
///   GitHub Actions); the profile named by `AWS_PROFILE` (default `default`) in
///   `~/.aws/config` and `~/.aws/credentials`, with its `role_arn`, `credential_process` or
///   IAM Identity Center (SSO) session (after `aws sso login`); web identity,
///   `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN` (an OIDC token exchanged with
///   `AssumeRoleWithWebIdentity`, as GitHub Actions and EKS provide one); the ECS container
///   credentials; the EC2 instance role.
/// - **Retries**: `AWS_MAX_ATTEMPTS` (default 3) and `AWS_RETRY_MODE` (`standard` or
///   `adaptive`), else `max_attempts` and `retry_mode` of the profile
///   (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>).
/// - **Endpoint**: `AWS_ENDPOINT_URL_ECR` or `AWS_ENDPOINT_URL` (or `endpoint_url` of the
///   profile), for a local ECR API server.
/// - **Time-outs**: 10 seconds to connect, 60 seconds for a call with its retries. For other
///   time-outs, load the configuration yourself with `.timeout_config(..)` and pass it to
///   [`client_from_config`].
///
/// HTTPS goes through [`https_client`], for ECR and for the calls the credential providers
/// make (STS, SSO, instance metadata).
///
/// The credentials are resolved once here, so that missing or refused credentials are told
/// now, in one error, rather than at the first call (which resolves them again, and renews
/// temporary ones as they expire).
///
/// ```no_run
/// # async fn run() -> Result<(), ecr_policy::aws::Error> {
/// let client = ecr_policy::aws::client_from_env().await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::Environment`] when no region is set, when no credentials are found or the
/// credential provider fails (the provider's error is the source), and when
/// `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` or their profile settings are not valid.
pub async fn client_from_env() -> Result<aws_sdk_ecr::Client, Error> {
    let config = config_from_env(None).await?;
    client_from_config(&config).await
}

/// The configuration [`client_from_env`] loads, in `region` when one is given.
pub(crate) async fn config_from_env(
    region: Option<aws_config::Region>,
) -> Result<SdkConfig, Error> {
    check_retry_settings(&Env::real(), &Fs::real()).await?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(region) = region {
        loader = loader.region(region);
    }
    Ok(loader.load().await)
}

/// An ECR client for a configuration loaded by the caller, such as one from
/// `aws_config::defaults(..)` with a chosen profile, region or time-outs.
///
/// The configuration is used as it is, except that a configuration without an HTTP client gets
/// [`https_client`], and one without a behaviour version the latest. The credentials are resolved once, to tell missing or refused
/// credentials now.
///
/// ```no_run
/// use ecr_policy::aws::{self, aws_config};
///
/// # async fn run() -> Result<(), aws::Error> {
/// let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
///     .region(aws_config::Region::new("eu-west-1"))
///     .http_client(aws::https_client())
///     .load()
///     .await;
/// let client = aws::client_from_config(&config).await?;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`Error::Environment`] when the configuration has no region, has no credentials provider,
/// or its provider finds no credentials or fails (the provider's error is the source).
pub async fn client_from_config(config: &SdkConfig) -> Result<aws_sdk_ecr::Client, Error> {
    if config.region().is_none() {
        return Err(Error::Environment {
            message: "no AWS region: set AWS_REGION (for example AWS_REGION=us-east-1) or `region` in the profile".to_owned(),
            source: None,
        });
    }
    check_credentials(config).await?;
    let mut builder = aws_sdk_ecr::config::Builder::from(config);
    // The SDK panics when building a client without a behaviour version.
    if config.behavior_version().is_none() {
        builder = builder.behavior_version(BehaviorVersion::latest());
    }
    if config.http_client().is_none() {
        builder = builder.http_client(https_client());
    }
    Ok(aws_sdk_ecr::Client::from_conf(builder.build()))
}

/// Resolves the credentials once, to tell missing or refused credentials now.
pub(crate) async fn check_credentials(config: &SdkConfig) -> Result<(), Error> {
    let Some(credentials) = config.credentials_provider() else {
        return Err(no_credentials(None));
    };
    if let Err(e) = credentials.provide_credentials().await {
        return Err(no_credentials(Some(Box::new(e))));
    }
    Ok(())
}

fn no_credentials(source: Option<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    let cause = source
        .as_deref()
        .map(|e| format!(" ({})", super::error::causes(e)))
        .unwrap_or_default();
    Error::Environment {
        message: format!(
            "no AWS credentials{cause}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, name a profile with AWS_PROFILE (run `aws sso login` first for an SSO profile), or set AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN; in GitHub Actions, run aws-actions/configure-aws-credentials with `role-to-assume` in a job with `permissions: id-token: write`"
        ),
        source,
    }
}

/// Refuses the retry settings `aws-config` would panic on while loading (a zero or unreadable
/// `AWS_MAX_ATTEMPTS`, an unknown `AWS_RETRY_MODE`, or the same in the profile). As there, a
/// variable that is set wins over the profile, even when empty.
async fn check_retry_settings(env: &Env, fs: &Fs) -> Result<(), Error> {
    let profile = aws_config::profile::load(fs, env, &Default::default(), None)
        .await
        .ok();
    let setting = |var: &str, key: &str| -> Option<(String, String)> {
        match env.get(var) {
            Ok(value) => Some((value, var.to_owned())),
            Err(_) => profile.as_ref().and_then(|p| {
                p.get(key).map(|value| {
                    (
                        value.to_owned(),
                        format!("`{key}` of profile {}", p.selected_profile()),
                    )
                })
            }),
        }
    };
    if let Some((value, name)) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
        if !value.trim().parse::<u32>().is_ok_and(|n| n > 0) {
            return Err(Error::Environment {
                message: format!(
                    "{name} is {value:?}: it must be the number of attempts a call may make, 1 or more (for example AWS_MAX_ATTEMPTS=3)"
                ),
                source: None,
            });
        }
    }
    if let Some((value, name)) = setting("AWS_RETRY_MODE", "retry_mode") {
        if let Err(e) = value.parse::<RetryMode>() {
            return Err(Error::Environment {
                message: format!(
                    "{name} is {value:?}: it must be `standard` or `adaptive` (for example AWS_RETRY_MODE=standard)"
                ),
                source: Some(Box::new(e)),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(vars: &[(&str, &str)], config: Option<&str>) -> Result<(), Error> {
        let mut all = vec![("HOME", "/home/ci")];
        all.extend_from_slice(vars);
        let env = Env::from_slice(&all);
        let fs = Fs::from_slice(&[("/home/ci/.aws/config", config.unwrap_or(""))]);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(check_retry_settings(&env, &fs))
    }

    #[test]
    fn valid_retry_settings_pass() {
        assert!(check(&[], None).is_ok());
        assert!(check(
            &[("AWS_MAX_ATTEMPTS", "5"), ("AWS_RETRY_MODE", "adaptive")],
            None
        )
        .is_ok());
        assert!(check(
            &[],
            Some("[default]\nmax_attempts = 2\nretry_mode = standard\n")
        )
        .is_ok());
        // The variable wins over a bad profile setting, as in aws-config.
        assert!(check(
            &[("AWS_MAX_ATTEMPTS", "2")],
            Some("[default]\nmax_attempts = 0\n")
        )
        .is_ok());
    }

    #[test]
    fn bad_retry_settings_are_named_instead_of_panicking() {
        let e = check(&[("AWS_MAX_ATTEMPTS", "0")], None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("AWS_MAX_ATTEMPTS is \"0\": it must be"),
            "{e}"
        );
        let e = check(&[("AWS_MAX_ATTEMPTS", "")], None).unwrap_err();
        assert!(e.to_string().starts_with("AWS_MAX_ATTEMPTS is \"\""), "{e}");
        let e = check(&[("AWS_RETRY_MODE", "legacy")], None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("AWS_RETRY_MODE is \"legacy\": it must be `standard` or `adaptive`"),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_some());

        let e = check(
            &[("AWS_PROFILE", "ci")],
            Some("[profile ci]\nmax_attempts = many\n"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`max_attempts` of profile ci is \"many\""),
            "{e}"
        );
    }

    #[test]
    fn a_configuration_without_region_or_credentials_is_refused() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let e = runtime
            .block_on(client_from_config(&SdkConfig::builder().build()))
            .unwrap_err();
        assert!(e.to_string().contains("AWS_REGION"), "{e}");

        let config = SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .build();
        let e = runtime.block_on(client_from_config(&config)).unwrap_err();
        let text = e.to_string();
        assert!(text.starts_with("no AWS credentials: "), "{text}");
        assert!(
            text.contains("AWS_WEB_IDENTITY_TOKEN_FILE") && text.contains("AWS_PROFILE"),
            "{text}"
        );

        let config = SdkConfig::builder()
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_ecr::config::SharedCredentialsProvider::new(
                aws_sdk_ecr::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"),
            ))
            .build();
        let client = runtime.block_on(client_from_config(&config)).unwrap();
        // No HTTP client in the configuration: this crate's is put in.
        assert!(client.config().http_client().is_some());
        assert_eq!(
            client.config().region().map(|r| r.as_ref().to_owned()),
            Some("us-east-1".to_owned())
        );
    }
}
