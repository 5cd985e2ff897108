//! The widget's files. `/widget.js` and `/widget.mjs` keep their URLs (host pages embed
//! them), so browsers revalidate them on every load; `/pkg/*` names carry a content hash
//! (`plugboard_widget-<hash>.js`, `…_bg.wasm`), so they are cached for a year. Every file
//! goes out as its precompressed `.br` or `.gz` sibling when the browser accepts one. The
//! console's build (`/console/pkg/*`) is served the same way, revalidated.
//!
//! `cargo xtask build` writes the minified loaders naming the hashed bundle into
//! public/pkg/; before any build, the loaders are served from public/ as written.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Path;
use crate::error::ErrorCode;
use crate::state::AppState;

/// For `/pkg/` names with a content hash: the bytes behind the URL never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For the loaders: cache, but ask the server (a cheap 304) before each use, so a new
/// build reaches every host page at once.
const REVALIDATE: &str = "public, no-cache";
const JAVASCRIPT_UTF8: &str = "text/javascript; charset=utf-8";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(loader))
        .routes(routes!(module_loader))
        .routes(routes!(bundle))
        .routes(routes!(console_bundle))
        .layer(middleware::from_fn(cache_headers))
}

#[utoipa::path(get, path = "/widget.js", tag = "assets",
    responses((status = 200, description = "The widget loader (a classic script)", content_type = "text/javascript")))]
pub(super) async fn loader(State(state): State<AppState>, request: Request) -> Response {
    serve_loader(&state.config.server.public_dir, "widget.js", request).await
}

/// `import { Plugboard } from ".../widget.mjs"`: it imports `./widget.js`, the loader above.
#[utoipa::path(get, path = "/widget.mjs", tag = "assets",
    responses((status = 200, description = "The widget loader as an ES module", content_type = "text/javascript")))]
pub(super) async fn module_loader(State(state): State<AppState>, request: Request) -> Response {
    serve_loader(&state.config.server.public_dir, "widget.mjs", request).await
}

/// The built widget (glue and wasm under a content hash), precompressed.
#[utoipa::path(get, path = "/pkg/{file}", tag = "assets", params(("file" = String, Path)),
    responses((status = 200, description = "A file of the built widget"), (status = 404, description = "unknown_file", body = plugboard_shared::ErrorBody)))]
pub(super) async fn bundle(State(state): State<AppState>, Path(file): Path<String>, request: Request) -> Response {
    serve_built(&state.config.server.public_dir.join("pkg"), &file, request).await
}

/// The built console (its names carry no hash, so browsers revalidate them), precompressed.
#[utoipa::path(get, path = "/console/pkg/{file}", tag = "assets", params(("file" = String, Path)),
    responses((status = 200, description = "A file of the built console"), (status = 404, description = "unknown_file", body = plugboard_shared::ErrorBody)))]
pub(super) async fn console_bundle(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: Request,
) -> Response {
    serve_built(&state.config.server.public_dir.join("console/pkg"), &file, request).await
}

/// `file` from the build output `dir`, as its `.br` or `.gz` sibling when accepted.
async fn serve_built(dir: &std::path::Path, file: &str, request: Request) -> Response {
    let dir = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    // ServeDir resolves the name inside public/pkg (it refuses `..`), as if it were the path.
    let (mut parts, body) = request.into_parts();
    parts.uri = match format!("/{file}").parse::<Uri>() {
        Ok(uri) => uri,
        Err(_) => {
            return ErrorCode::UnknownFile.error("no such built file").into_response();
        }
    };
    let response = match dir.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status() == StatusCode::NOT_FOUND {
        return ErrorCode::UnknownFile.error("no such built file").into_response();
    }
    response
}

/// The built loader from public/pkg/, or public/`name` when nothing was built. Labelled
/// UTF-8: a classic script would otherwise be decoded in the host page's charset.
async fn serve_loader(public_dir: &std::path::Path, name: &str, request: Request) -> Response {
    let built = public_dir.join("pkg").join(name);
    let path = if tokio::fs::metadata(&built).await.is_ok_and(|m| m.is_file()) {
        built
    } else {
        public_dir.join(name)
    };
    let file = ServeFile::new(path).precompressed_br().precompressed_gzip();
    let mut response = match file.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JAVASCRIPT_UTF8));
    }
    response
}

/// `Cache-Control` by name (see [`IMMUTABLE`], [`REVALIDATE`]) on what was found, and
/// `Vary: Accept-Encoding` since the same URL answers brotli, gzip or plain bytes.
async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = request.uri().path().rsplit('/').next().is_some_and(is_content_hashed);
    let mut response = next.run(request).await.into_response();
    let status = response.status();
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let policy = if hashed { IMMUTABLE } else { REVALIDATE };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

/// `plugboard_widget-0123abcdef.js`, `plugboard_widget-0123abcdef_bg.wasm`: at least
/// eight hex digits after the name's last hyphen.
fn is_content_hashed(name: &str) -> bool {
    name.rsplit_once('-')
        .is_some_and(|(_, rest)| rest.bytes().take_while(u8::is_ascii_hexdigit).count() >= 8)
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_hashed_names_are_immutable() {
        assert!(is_content_hashed("plugboard_widget-0123abcdef.js"));
        assert!(is_content_hashed("plugboard_widget-0123abcdef_bg.wasm"));
        assert!(!is_content_hashed("plugboard_widget.js"));
        assert!(!is_content_hashed("plugboard_widget_bg.wasm"));
        assert!(!is_content_hashed("widget.js"));
        assert!(!is_content_hashed("my-widget.js"));
    }
}
