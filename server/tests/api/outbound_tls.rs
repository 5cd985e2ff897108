//! Providers behind a company CA: outbound TLS trusts the operating system's store, plus
//! the certificates of `security.extra_ca_file`.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use serde_json::json;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::helpers::{TestApp, spawn_app_env, spawn_app_with};

/// A "corporate" HR API on `https://localhost:<port>`, its certificate signed by a private
/// CA; returns the port and the CA's PEM.
async fn corporate_api() -> (u16, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route("/me", get(|| async { axum::Json(json!({"email": "hr@corp.example"})) }));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else {
                    return;
                };
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app))
                    .await;
            });
        }
    });
    (port, ca.pem())
}

fn provider(port: u16) -> String {
    format!(
        "[[providers]]\nkey = \"corp-hr\"\nname = \"Corp HR\"\ncategory = \"hris\"\nauth_mode = \"api_key\"\n\
         fields = [{{ name = \"api_key\", label = \"API key\", secret = true }}]\n\
         base_url = \"https://localhost:{port}\"\n\
         verify = {{ url = \"https://localhost:{port}/me\", identity = \"/email\" }}\n\
         [[deployments]]\nid = \"default\"\napps = [\"corp-hr\"]\n"
    )
}

async fn connect(app: &TestApp) -> plugboard_shared::PopupMessage {
    let token = app.link_token("t").await;
    let answer = app
        .connect(&token, "corp-hr", json!({"fields": {"api_key": "k"}}))
        .await;
    answer.json().await.unwrap()
}

#[tokio::test]
async fn a_provider_behind_a_private_ca_verifies_once_its_ca_is_trusted() {
    let (port, ca_pem) = corporate_api().await;
    let untrusted = spawn_app_with(&provider(port)).await.unwrap();
    let message = connect(&untrusted).await;
    assert_eq!(
        message.result,
        plugboard_shared::ConnectResult::VerificationFailed,
        "unknown CA: refused"
    );

    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("corp-ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let trusted = spawn_app_env(
        &provider(port),
        &[("PLUGBOARD_SECURITY_EXTRA_CA_FILE", ca_file.to_str().unwrap())],
    )
    .await
    .unwrap();
    let message = connect(&trusted).await;
    assert_eq!(
        message.result,
        plugboard_shared::ConnectResult::Authorized,
        "{message:?}"
    );

    std::fs::write(&ca_file, "not a certificate").unwrap();
    let err = spawn_app_env("", &[("PLUGBOARD_SECURITY_EXTRA_CA_FILE", ca_file.to_str().unwrap())])
        .await
        .err()
        .expect("a bad CA file stops start-up");
    assert!(format!("{err:#}").contains("extra_ca_file"), "{err:#}");
}
