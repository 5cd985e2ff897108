//! Display names of the catalog's categories in each language the widget speaks. They
//! live beside the catalog they describe, not in the widget: twenty labels in five
//! languages would cost the widget's byte budget for words a session mostly never shows.

use plugboard_shared::language::{LANGUAGES, language_of};

/// `[slug, en, de, fr, es, pt-BR]`: the columns after the slug follow [`LANGUAGES`]. A unit test checks that every embedded catalog file's
/// category has a row.
const LABELS: &[[&str; 6]] = &[
    [
        "accounting",
        "Accounting",
        "Buchhaltung",
        "Comptabilité",
        "Contabilidad",
        "Contabilidade",
    ],
    [
        "ats",
        "ATS",
        "Recruiting",
        "Recrutement",
        "Reclutamiento",
        "Recrutamento",
    ],
    ["banking", "Banking", "Banking", "Banque", "Banca", "Bancos"],
    [
        "calendar",
        "Calendar",
        "Kalender",
        "Calendrier",
        "Calendario",
        "Calendário",
    ],
    ["chat", "Chat", "Chat", "Messagerie", "Chat", "Chat"],
    [
        "communication",
        "Communication",
        "Kommunikation",
        "Communication",
        "Comunicación",
        "Comunicação",
    ],
    ["crm", "CRM", "CRM", "CRM", "CRM", "CRM"],
    ["design", "Design", "Design", "Design", "Diseño", "Design"],
    [
        "dev-tools",
        "Developer tools",
        "Entwicklertools",
        "Outils de développement",
        "Desarrollo",
        "Desenvolvimento",
    ],
    [
        "e-signature",
        "E-signature",
        "E-Signatur",
        "Signature électronique",
        "Firma electrónica",
        "Assinatura eletrônica",
    ],
    [
        "ecommerce",
        "E-commerce",
        "E-Commerce",
        "E-commerce",
        "Comercio electrónico",
        "E-commerce",
    ],
    ["files", "Files", "Dateien", "Fichiers", "Archivos", "Arquivos"],
    [
        "forms",
        "Forms",
        "Formulare",
        "Formulaires",
        "Formularios",
        "Formulários",
    ],
    ["hris", "HRIS", "Personalwesen", "SIRH", "RR. HH.", "RH"],
    [
        "identity",
        "Identity",
        "Identität",
        "Identité",
        "Identidad",
        "Identidade",
    ],
    [
        "marketing",
        "Marketing",
        "Marketing",
        "Marketing",
        "Marketing",
        "Marketing",
    ],
    ["payments", "Payments", "Zahlungen", "Paiements", "Pagos", "Pagamentos"],
    [
        "productivity",
        "Productivity",
        "Produktivität",
        "Productivité",
        "Productividad",
        "Produtividade",
    ],
    ["sales", "Sales", "Vertrieb", "Ventes", "Ventas", "Vendas"],
    [
        "scheduling",
        "Scheduling",
        "Terminplanung",
        "Prise de rendez-vous",
        "Citas",
        "Agendamento",
    ],
    [
        "ticketing",
        "Ticketing",
        "Ticketsysteme",
        "Tickets",
        "Tickets",
        "Chamados",
    ],
    ["video", "Video", "Video", "Vidéo", "Vídeo", "Vídeo"],
];

/// The label of `slug` in `lang` (one of [`LANGUAGES`]). A category no row names (a
/// `[[providers]]` entry's own) reads as its slug with a capital first letter.
pub fn label(slug: &str, lang: &str) -> String {
    let column = LANGUAGES.iter().position(|l| *l == lang).unwrap_or(0) + 1;
    match LABELS.iter().find(|row| row[0] == slug) {
        Some(row) => row[column].to_owned(),
        None => {
            let mut label = slug.replace('-', " ");
            if let Some(first) = label.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            label
        }
    }
}

/// The language of a widget request: the first of `requested` (the widget's own choice,
/// `?locale=`) and the `Accept-Language` tags that the widget speaks, else English. Tags
/// are matched by [`language_of`], as the widget matches `navigator.languages`, so a
/// prefetch that only has the browser's header gets what the widget then picks.
///
/// Refused tags (`q=0`) are skipped; the others are taken in the order sent rather than
/// sorted by q, since browsers already list them by preference.
pub fn negotiate(requested: Option<&str>, accept_language: Option<&str>) -> &'static str {
    let accepted = accept_language.unwrap_or_default().split(',').filter_map(|part| {
        let mut pieces = part.split(';');
        let tag = pieces.next()?.trim();
        let refused =
            pieces.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()) == Some(0.0));
        (!refused).then_some(tag)
    });
    let index = requested.into_iter().chain(accepted).find_map(language_of);
    LANGUAGES[index.unwrap_or(0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_category_has_labels() {
        let catalog = crate::catalog::Catalog::load(&[], true, "http://127.0.0.1:8080").unwrap();
        for def in catalog.iter() {
            assert!(
                LABELS.iter().any(|row| row[0] == def.category),
                "{}: category {:?} has no row in catalog/categories.rs",
                def.key,
                def.category
            );
        }
    }

    #[test]
    fn labels_follow_the_language_and_unknown_slugs_still_read() {
        assert_eq!(label("payments", "de"), "Zahlungen");
        assert_eq!(label("payments", "pt-BR"), "Pagamentos");
        assert_eq!(label("payments", "xx"), "Payments");
        assert_eq!(label("field-service", "fr"), "Field service");
    }

    #[test]
    fn the_widget_choice_wins_then_the_browser_order() {
        assert_eq!(negotiate(Some("fr"), Some("de-DE,de;q=0.9")), "fr");
        assert_eq!(negotiate(Some("xx"), Some("nl,de-AT;q=0.8,en;q=0.5")), "de");
        assert_eq!(negotiate(None, Some("pt-PT")), "pt-BR");
        assert_eq!(negotiate(None, Some("es;q=0, fr ; q=0.4")), "fr");
        assert_eq!(negotiate(None, Some("de;q=0.000,es")), "es");
        assert_eq!(negotiate(None, Some("deutsch")), "en");
        assert_eq!(negotiate(None, None), "en");
    }
}
