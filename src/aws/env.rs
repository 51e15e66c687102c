//! An ECR client configured from the usual AWS environment variables.

use std::time::Duration;

use aws_sdk_ecr::config::timeout::TimeoutConfig;
use aws_sdk_ecr::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};

use super::Error;

/// An ECR client for the region, credentials and endpoint named by the environment:
///
/// | variable | meaning |
/// | --- | --- |
/// | `AWS_REGION` (or `AWS_DEFAULT_REGION`) | the region, e.g. `eu-west-1` |
/// | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` | the credentials |
/// | `AWS_SESSION_TOKEN` | the session token of temporary credentials, if any |
/// | `AWS_ENDPOINT_URL_ECR` (or `AWS_ENDPOINT_URL`) | another endpoint, e.g. a local ECR API server |
///
/// The client speaks HTTPS through rustls, connects within 10 seconds and gives up on a call
/// after 60. For profiles, SSO or instance roles, build the client with `aws-config` instead
/// and pass it to [`apply`](super::apply) and the other calls: they take any
/// [`aws_sdk_ecr::Client`].
///
/// ```
/// // Without a region the error says which variable to set.
/// # std::env::remove_var("AWS_REGION"); std::env::remove_var("AWS_DEFAULT_REGION");
/// let err = ecr_policy::aws::client_from_env().unwrap_err();
/// assert!(err.to_string().contains("AWS_REGION"));
/// ```
///
/// # Errors
/// [`Error::Environment`] when the region or the credentials are missing.
pub fn client_from_env() -> Result<aws_sdk_ecr::Client, Error> {
    let config = config_from(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))?;
    Ok(aws_sdk_ecr::Client::from_conf(config))
}

/// The SDK configuration for the variables `var` returns.
fn config_from(var: impl Fn(&str) -> Option<String>) -> Result<aws_sdk_ecr::Config, Error> {
    let region = var("AWS_REGION")
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .ok_or_else(|| Error::Environment {
            message: "no AWS region: set AWS_REGION (for example AWS_REGION=us-east-1)".to_owned(),
        })?;
    let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
        return Err(Error::Environment {
            message: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)".to_owned(),
        });
    };
    let credentials = Credentials::new(key, secret, var("AWS_SESSION_TOKEN"), None, "environment");
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let mut builder = aws_sdk_ecr::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(credentials)
        .http_client(http)
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(60))
                .build(),
        );
    if let Some(endpoint) = var("AWS_ENDPOINT_URL_ECR").or_else(|| var("AWS_ENDPOINT_URL")) {
        builder = builder.endpoint_url(endpoint);
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn region_credentials_and_endpoint_come_from_the_variables() {
        let config = config_from(vars(&[
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(config.region().map(Region::as_ref), Some("eu-west-1"));
        // AWS_REGION wins over AWS_DEFAULT_REGION.
        let config = config_from(vars(&[
            ("AWS_REGION", "us-east-1"),
            ("AWS_DEFAULT_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_ECR", "http://127.0.0.1:6000"),
        ]))
        .unwrap();
        assert_eq!(config.region().map(Region::as_ref), Some("us-east-1"));
    }

    #[test]
    fn missing_variables_are_named() {
        let e = config_from(vars(&[("AWS_REGION", "us-east-1")])).unwrap_err();
        assert!(e.to_string().contains("AWS_ACCESS_KEY_ID"), "{e}");
        let e = config_from(vars(&[
            ("AWS_ACCESS_KEY_ID", "a"),
            ("AWS_SECRET_ACCESS_KEY", "b"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("AWS_REGION"), "{e}");
    }
}
