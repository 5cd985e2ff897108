//! The widget's files as a browser gets them: the hashed bundle under /pkg cached for a
//! year, the loaders revalidated, each from its precompressed sibling when accepted.

use std::path::Path;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, VARY};

use crate::helpers::{TestApp, spawn_app};

const WASM: &str = "plugboard_widget-0123abcdef_bg.wasm";
const GLUE: &str = "plugboard_widget-0123abcdef.js";
const CONSOLE_WASM: &str = "plugboard_console_bg.wasm";

/// A public dir as `cargo xtask build` leaves it (fake contents: each variant says which
/// one it is), or with `built: false` only the loaders' sources.
fn public_dir(built: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, body: &str| std::fs::write(dir.path().join(name), body).unwrap();
    write("widget.js", "source loader");
    write("widget.mjs", "source module loader");
    if built {
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        std::fs::create_dir_all(dir.path().join("console/pkg")).unwrap();
        for name in [WASM, GLUE, "widget.js", "widget.mjs", CONSOLE_WASM].map(|n| {
            if n == CONSOLE_WASM {
                format!("console/pkg/{n}")
            } else {
                format!("pkg/{n}")
            }
        }) {
            write(&name, &format!("raw {name}"));
            write(&format!("{name}.br"), &format!("br {name}"));
            write(&format!("{name}.gz"), &format!("gz {name}"));
        }
    }
    dir
}

async fn app_serving(dir: &Path) -> TestApp {
    let mut app = spawn_app().await;
    app.restart_with(&[("PLUGBOARD_SERVER_PUBLIC_DIR", dir.to_str().unwrap())])
        .await;
    app
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> (StatusCode, HeaderMap, String) {
    let mut request = app.api.get(app.url(path));
    if let Some(encodings) = accept_encoding {
        request = request.header(ACCEPT_ENCODING, encodings);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

fn header<'a>(headers: &'a HeaderMap, name: &reqwest::header::HeaderName) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn varies_on_encoding(headers: &HeaderMap) -> bool {
    headers
        .get_all(VARY)
        .iter()
        .any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"))
}

#[tokio::test]
async fn the_hashed_wasm_is_sent_brotli_compressed_and_cached_for_good() {
    let dir = public_dir(true);
    let app = app_serving(dir.path()).await;

    let (status, headers, body) = get(&app, &format!("/pkg/{WASM}"), Some("gzip, deflate, br, zstd")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("br pkg/{WASM}"));
    assert_eq!(header(&headers, &CONTENT_ENCODING), Some("br"));
    assert_eq!(header(&headers, &CONTENT_TYPE), Some("application/wasm"));
    assert_eq!(
        header(&headers, &CACHE_CONTROL),
        Some("public, max-age=31536000, immutable")
    );
    assert!(varies_on_encoding(&headers), "{headers:?}");
}

#[tokio::test]
async fn the_hashed_glue_falls_back_to_gzip_then_to_plain_bytes() {
    let dir = public_dir(true);
    let app = app_serving(dir.path()).await;
    let path = format!("/pkg/{GLUE}");

    let (status, headers, body) = get(&app, &path, Some("gzip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("gz pkg/{GLUE}"));
    assert_eq!(header(&headers, &CONTENT_ENCODING), Some("gzip"));
    assert!(header(&headers, &CONTENT_TYPE).unwrap().starts_with("text/javascript"));
    assert!(header(&headers, &CACHE_CONTROL).unwrap().contains("immutable"));
    assert!(varies_on_encoding(&headers));

    let (status, headers, body) = get(&app, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("raw pkg/{GLUE}"));
    assert_eq!(header(&headers, &CONTENT_ENCODING), None);
    assert!(header(&headers, &CACHE_CONTROL).unwrap().contains("immutable"));
}

#[tokio::test]
async fn the_loaders_come_from_the_build_and_are_revalidated() {
    let dir = public_dir(true);
    let app = app_serving(dir.path()).await;

    for name in ["widget.js", "widget.mjs"] {
        let (status, headers, body) = get(&app, &format!("/{name}"), Some("br")).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(body, format!("br pkg/{name}"));
        assert_eq!(header(&headers, &CONTENT_ENCODING), Some("br"));
        assert_eq!(header(&headers, &CONTENT_TYPE), Some("text/javascript; charset=utf-8"));
        assert_eq!(header(&headers, &CACHE_CONTROL), Some("public, no-cache"));
        assert!(varies_on_encoding(&headers));
    }
    // Any host page may load them (a module import and a fetch are CORS requests).
    let response = app
        .api
        .get(app.url("/widget.js"))
        .header("Origin", "https://any-host.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(response.headers(), &reqwest::header::ACCESS_CONTROL_ALLOW_ORIGIN),
        Some("*")
    );
}

#[tokio::test]
async fn without_a_build_the_loaders_are_served_from_their_sources() {
    let dir = public_dir(false);
    let app = app_serving(dir.path()).await;

    let (status, headers, body) = get(&app, "/widget.js", Some("gzip, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "source loader");
    assert_eq!(header(&headers, &CONTENT_ENCODING), None);
    assert_eq!(header(&headers, &CACHE_CONTROL), Some("public, no-cache"));
    let (status, _, body) = get(&app, "/widget.mjs", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "source module loader");
}

#[tokio::test]
async fn the_console_build_is_sent_compressed_and_revalidated() {
    let dir = public_dir(true);
    let app = app_serving(dir.path()).await;

    let (status, headers, body) = get(&app, &format!("/console/pkg/{CONSOLE_WASM}"), Some("gzip, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, format!("br console/pkg/{CONSOLE_WASM}"));
    assert_eq!(header(&headers, &CONTENT_ENCODING), Some("br"));
    assert_eq!(header(&headers, &CONTENT_TYPE), Some("application/wasm"));
    // Its names carry no hash: a deploy must reach the next page load.
    assert_eq!(header(&headers, &CACHE_CONTROL), Some("public, no-cache"));
    let (status, _, body) = get(&app, "/console/pkg/nothing.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("unknown_file"), "{body}");
}

#[tokio::test]
async fn unknown_bundle_files_are_json_404s_without_caching() {
    let dir = public_dir(true);
    let app = app_serving(dir.path()).await;

    let (status, headers, body) = get(&app, "/pkg/plugboard_widget-ffffffffff_bg.wasm", Some("br")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, &CACHE_CONTROL), None);
    assert!(body.contains("unknown_file"), "{body}");
}
