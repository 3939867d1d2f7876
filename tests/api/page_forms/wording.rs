//! The Japanese wording: one word for a reseller, 見積書 for the document.

/// Japanese pages say 販売店 for a reseller (the word most of the catalogue already used) and keep
/// 見積書 for the document and 見積 for the act of quoting.
#[test]
fn the_japanese_text_uses_one_word_for_reseller_and_keeps_mitsumorisho_for_the_document() {
    let catalogue = include_str!("../../../src/web/i18n/ja.toml");
    let templates: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"))
        .unwrap()
        .flat_map(|dir| {
            let path = dir.unwrap().path();
            if path.is_dir() {
                std::fs::read_dir(path).unwrap().map(|f| f.unwrap().path()).collect()
            } else {
                vec![path]
            }
        })
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    for text in std::iter::once(catalogue).chain(templates.iter().map(String::as_str)) {
        for line in text.lines() {
            // The portal's name is a proper noun ("Flex Partner Portal").
            let line = line.replace("Flex パートナーポータル", "");
            for other in ["リセラー", "認定販売店", "パートナー", "見積り", "見積もり"] {
                assert!(!line.contains(other), "{other} in {line}");
            }
            // What a customer accepts, declines or receives is the document.
            for act_on_document in ["この見積を", "この見積は", "見積を送付", "見積を取り下げ"]
            {
                assert!(!line.contains(act_on_document), "{act_on_document} in {line}");
            }
        }
    }
}
