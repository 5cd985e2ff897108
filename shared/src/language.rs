//! The languages the widget speaks, and which of them a BCP 47 tag asks for. Shared so
//! the widget's choice of catalog (from `locale` and `navigator.languages`) and the
//! server's choice of category labels (from `?locale=` and `Accept-Language`) can never
//! disagree.

/// The widget's languages as its `lang` tags. The widget's catalogs and the server's
/// label columns are in this order.
pub const LANGUAGES: [&str; 5] = ["en", "de", "fr", "es", "pt-BR"];

/// The index in [`LANGUAGES`] of the language `tag` names by its primary subtag, ignoring
/// case and region: `de-AT` is German, any `pt` Brazilian Portuguese, `deutsch` nothing.
pub fn language_of(tag: &str) -> Option<usize> {
    // Byte comparisons: `str` patterns would pull Rust's substring searcher into the wasm.
    let tag = tag.as_bytes();
    if tag.len() < 2 || tag.get(2).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    LANGUAGES
        .iter()
        .position(|lang| tag[..2].eq_ignore_ascii_case(&lang.as_bytes()[..2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_primary_subtag_decides() {
        assert_eq!(language_of("de"), Some(1));
        assert_eq!(language_of("DE-at"), Some(1));
        assert_eq!(language_of("pt-PT"), Some(4));
        assert_eq!(language_of("pt"), Some(4));
        assert_eq!(language_of("en_US"), Some(0));
        for tag in ["", "d", "deutsch", "ja", "nl-NL"] {
            assert_eq!(language_of(tag), None, "{tag}");
        }
    }
}
