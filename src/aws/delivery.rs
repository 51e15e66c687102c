//! Whether a request may have reached ECR although no answer came back.
//!
//! The SDK's error alone does not say: a `DispatchFailure` is raised both when the connection
//! could not be made and when it broke after the request was written, a `TimeoutError` both
//! while waiting for credentials and while waiting for the answer
//! (<https://docs.rs/aws-smithy-runtime-api/latest/aws_smithy_runtime_api/client/result/enum.SdkError.html>),
//! and with retries the last attempt's error hides what an earlier attempt did. So every
//! attempt is watched: one that began to transmit and ended without a response, other than by
//! a refused or failed connection, may have been carried out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use aws_sdk_ecr::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_ecr::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ecr::error::{BoxError, ConnectorError};

/// Watches the attempts of one call (attach with `customize().interceptor(..)`).
#[derive(Clone, Debug, Default)]
pub(crate) struct DeliveryWatch(Arc<State>);

#[derive(Debug, Default)]
struct State {
    /// The current attempt has been handed to the HTTP client.
    transmitting: AtomicBool,
    /// Some attempt was handed to the HTTP client and ended without a response, not because
    /// the connection failed.
    may_have_arrived: AtomicBool,
}

impl DeliveryWatch {
    /// Whether some attempt may have reached the service without its answer coming back.
    pub(crate) fn may_have_arrived(&self) -> bool {
        self.0.may_have_arrived.load(Ordering::SeqCst)
    }
}

impl Intercept for DeliveryWatch {
    fn name(&self) -> &'static str {
        "ecr_policy::aws::DeliveryWatch"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.transmitting.store(false, Ordering::SeqCst);
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.transmitting.store(true, Ordering::SeqCst);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.0.transmitting.load(Ordering::SeqCst) || context.response().is_some() {
            // Never sent, or answered: the answer (or its absence) is definite.
            return Ok(());
        }
        let reached = match context.output_or_error() {
            Some(Ok(_)) => false,
            Some(Err(error)) => match error.as_connector_error() {
                Some(connector) => !(connector.is_user() || never_connected(connector)),
                // A time-out, or an error of the response future: the bytes may be out.
                None => true,
            },
            None => true,
        };
        if reached {
            self.0.may_have_arrived.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// The connection was never made (refused, DNS, TLS handshake, connect time-out): nothing of the
/// request was sent. The HTTP client wraps such failures in a hyper-util error of kind `Connect`;
/// should it ever use another hyper-util than this crate, they would count as maybe sent (the
/// safe side), and the test of a refused connection would say so.
pub(crate) fn never_connected(error: &ConnectorError) -> bool {
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        if cause
            .downcast_ref::<hyper_util::client::legacy::Error>()
            .is_some_and(hyper_util::client::legacy::Error::is_connect)
        {
            return true;
        }
        next = cause.source();
    }
    false
}
