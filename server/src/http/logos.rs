//! Neutral monogram logos for providers whose catalog entry names no logo file: a
//! rounded square with the initials, its colour derived from the key.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use plugboard_shared::AppKey;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::Path;
use crate::error::{ApiResult, ErrorCode};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(monogram))
}

/// `file` is `<app key>.svg`.
#[utoipa::path(get, path = "/logos/monogram/{file}", tag = "assets", params(("file" = String, Path, description = "`<app key>.svg`")),
    responses((status = 200, description = "The app's monogram", content_type = "image/svg+xml"),
        (status = 404, description = "unknown_app", body = plugboard_shared::ErrorBody)))]
pub(super) async fn monogram(State(state): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    let key = file.strip_suffix(".svg").map(AppKey::parse).and_then(Result::ok);
    let def = key
        .and_then(|key| state.catalog.get(&key))
        .ok_or_else(|| ErrorCode::UnknownApp.error("no such app in the catalog"))?;
    let mut response = svg(&initials(&def.name), hue(def.key.as_str())).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    Ok(response)
}

/// Up to two letters: the first of the first two words ("Google Drive" → "GD").
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
        .take(2)
        .collect::<String>()
        .to_uppercase()
}

fn hue(key: &str) -> u32 {
    key.bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360
}

fn svg(text: &str, hue: u32) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 40\"><rect width=\"40\" height=\"40\" rx=\"9\" \
         fill=\"hsl({hue} 45% 42%)\"/><text x=\"20\" y=\"25.5\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" \
         font-size=\"15\" font-weight=\"600\" fill=\"#fff\">{text}</text></svg>"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_take_the_first_two_words() {
        assert_eq!(super::initials("Google Drive"), "GD");
        assert_eq!(super::initials("HubSpot"), "H");
        assert_eq!(super::initials("Microsoft 365 Mail"), "M3");
    }
}
