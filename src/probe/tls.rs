//! One rustls configuration for every probe, HTTP (reqwest) and WebSocket (tungstenite) alike:
//! aws-lc-rs as the crypto provider, the system's roots plus `--cacert`, HTTP/1.1 only (a
//! WebSocket upgrade is an HTTP/1.1 request). `--insecure` swaps in a verifier that accepts
//! any certificate, and the report says so.

use crate::error::{Error, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use std::path::Path;
use std::sync::Arc;

/// Installs aws-lc-rs as the process-wide provider (tungstenite's rustls features pick none,
/// and the first `wss://` connect would panic without one). Idempotent.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// The verifying configuration: system roots (when `system_roots`) and the `--cacert` files.
pub fn client_config(cacerts: &[std::path::PathBuf], system_roots: bool) -> Result<ClientConfig> {
    install_crypto_provider();
    let mut roots = RootCertStore::empty();
    if system_roots {
        let native = rustls_native_certs::load_native_certs();
        let (_added, _ignored) = roots.add_parsable_certificates(native.certs);
    }
    for path in cacerts {
        add_pem(&mut roots, path)?;
    }
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Usage(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn add_pem(roots: &mut RootCertStore, path: &Path) -> Result<()> {
    let bytes = crate::input::read_bytes(path, 4 * 1024 * 1024, crate::input::Kind("a PEM file"))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::input(path, format!("invalid PEM certificate: {e}")))?;
    if certs.is_empty() {
        return Err(Error::input(path, "no PEM certificate in the file"));
    }
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| Error::input(path, format!("unusable CA certificate: {e}")))?;
    }
    Ok(())
}

/// A configuration that accepts any certificate (`--insecure`, and the local probe of a
/// `tls.enabled` gateway on loopback, whose certificate is self-signed).
pub fn insecure_config() -> ClientConfig {
    install_crypto_provider();
    let mut config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports the default protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider())))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

#[derive(Debug)]
struct AcceptAnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS failure in words: unknown issuer, expired, name mismatch…
pub fn describe(err: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => "certificate signed by an unknown issuer (self-signed or missing CA; --cacert adds one)".into(),
            C::Expired | C::ExpiredContext { .. } => "certificate expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate not valid yet".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => "certificate name mismatch (not valid for this host)".into(),
            C::Revoked => "certificate revoked".into(),
            C::BadSignature => "bad certificate signature".into(),
            other => format!("invalid certificate: {other:?}"),
        },
        rustls::Error::AlertReceived(alert) => format!("the server sent TLS alert {alert:?}"),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "not a TLS server (plain HTTP on a TLS port?)".into()
        }
        other => other.to_string(),
    }
}
