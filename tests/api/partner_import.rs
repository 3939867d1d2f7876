//! Partner CSV import: good rows land, bad rows come back with their line and reason, files that
//! are not partner files are refused whole, and the command line reports it all.

use std::io::Read;

use flexportal::domain::Portal;
use flexportal::domain::actor::Origin;
use flexportal::domain::error::Error;
use flexportal::domain::partners::import::COLUMNS;
use flexportal::domain::partners::{ImportReport, SearchQuery, import_csv};
use flexportal::storage::partners as store;

use crate::cli::flexportal;
use crate::common::{Options, fresh_config, fresh_portal, operator, partner};

/// A good Japanese partner row, with some columns replaced.
pub(crate) fn row(slug: &str, csn: &str, changes: &[(&str, &str)]) -> Vec<String> {
    let name_ja = format!("東京{slug}株式会社");
    let name_en = format!("Tokyo {slug} KK");
    let website = format!("https://{slug}.example/");
    let defaults = [
        ("slug", slug),
        ("name_ja", name_ja.as_str()),
        ("name_en", name_en.as_str()),
        ("description_ja", "東京都の架空の販売店です。"),
        ("description_en", "A fictional reseller in Tokyo."),
        ("tier", "gold"),
        ("csn", csn),
        ("country", "JP"),
        ("regions", "JP-13;JP-14"),
        ("languages", "ja|en"),
        ("services", "flex_tokens; support"),
        ("website", website.as_str()),
        ("email", "sales@example.com"),
        ("phone", "03-1234-5678"),
        ("invoice_registration_number", "T7000012050002"),
        ("max_discount_percent", "10"),
        ("flex_signed_on", "2024-04-01"),
        ("flex_expires_on", "2099-03-31"),
        ("published", "true"),
    ];
    COLUMNS
        .iter()
        .map(|column| {
            let changed = changes.iter().find(|(c, _)| c == column).map(|(_, v)| *v);
            let default = defaults.iter().find(|(c, _)| c == column).map(|(_, v)| *v);
            changed.or(default).unwrap_or_default().to_owned()
        })
        .collect()
}

pub(crate) fn csv_file(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    for row in rows {
        writer.write_record(row).unwrap();
    }
    writer.into_inner().unwrap()
}

pub(crate) async fn import(portal: &Portal, file: &[u8]) -> Result<ImportReport, Error> {
    import_csv(portal, None, &Origin::default(), file, |_| {}).await
}

pub(crate) async fn partner_count(portal: &Portal) -> u64 {
    store::list(portal.db.conn(), None, 0, 1).await.unwrap().1
}

fn file_message(result: Result<ImportReport, Error>) -> String {
    match result {
        Err(Error::Validation(errors)) => {
            assert_eq!(errors[0].field, "file");
            errors[0].message.en.to_string()
        }
        other => panic!("expected the file to be refused, got {other:?}"),
    }
}

/// Lines 2 and 3 are good; 4 repeats line 2's CSN; 5 has a registration number with a wrong check
/// digit; 6 names a prefecture that does not exist and a US state for a Japanese partner.
fn mixed_file() -> Vec<u8> {
    csv_file(
        &COLUMNS,
        &[
            row("good-one", "1000000001", &[("name_ja", "東京グッドワン株式会社")]),
            row("good-two", "1000000002", &[("country", "US"), ("regions", "US-CA"), ("tier", "platinum")]),
            row("again", "1000000001", &[]),
            row("bad-number", "1000000003", &[("invoice_registration_number", "T7000012050003")]),
            row("bad-region", "1000000004", &[("regions", "JP-99;US-CA")]),
        ],
    )
}

#[rocket::async_test]
async fn an_import_writes_good_rows_and_reports_bad_rows_with_their_line_and_reason() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut seen = Vec::new();
    let report =
        import_csv(&portal, None, &Origin::default(), mixed_file().as_slice(), |done| seen.push(done))
            .await
            .unwrap();

    assert_eq!((report.created, report.updated), (2, 0));
    let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [4, 5, 6]);
    let reasons: Vec<&str> = report.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons[0], "duplicate CSN (first on line 2)");
    assert!(reasons[1].starts_with("invoice_registration_number \"T7000012050003\":"), "{}", reasons[1]);
    assert!(reasons[2].contains("regions \"JP-99\": Choose a prefecture"), "{}", reasons[2]);
    assert!(
        reasons[2].contains("regions \"US-CA\": This region is not in the selected country"),
        "{}",
        reasons[2]
    );
    assert_eq!(report.rejected[1].csn, "1000000003");
    assert_eq!(seen.last(), Some(&5));

    let stored = store::find_by_csn(portal.db.conn(), "1000000001").await.unwrap().unwrap();
    assert_eq!((stored.slug.as_str(), stored.regions.join(",").as_str()), ("good-one", "JP-13,JP-14"));
    assert_eq!(
        (stored.languages.join(","), stored.services.join(",")),
        ("ja,en".to_owned(), "flex_tokens,support".to_owned())
    );
    assert!(store::find_by_slug(portal.db.conn(), "bad-region").await.unwrap().is_none());
    assert_eq!(partner_count(&portal).await, 2);

    let directory = portal.directory.snapshot();
    let query =
        SearchQuery { text: Some("グッドワン".into()), flex_only: true, ..SearchQuery::default() };
    let found = directory.search(&query, portal.today());
    assert_eq!(found.items.iter().map(|h| h.doc().unwrap().slug).collect::<Vec<_>>(), ["good-one"]);
    let query = SearchQuery { region: Some("US-CA".into()), ..SearchQuery::default() };
    assert_eq!(directory.search(&query, portal.today()).total, 1);

    let (audit, _) = flexportal::storage::audit::list(portal.db.conn(), None, 0, 50).await.unwrap();
    let summary = audit.iter().find(|e| e.action == "partners.imported").unwrap();
    assert_eq!(summary.detail, serde_json::json!({ "created": 2, "updated": 0, "rejected": 3 }));
    assert_eq!(audit.iter().filter(|e| e.action == "partner.created").count(), 2);
}

#[rocket::async_test]
async fn importing_the_same_file_again_updates_instead_of_duplicating() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    import(&portal, &mixed_file()).await.unwrap();
    let first = store::find_by_csn(portal.db.conn(), "1000000001").await.unwrap().unwrap();

    let again = import(&portal, &mixed_file()).await.unwrap();
    assert_eq!((again.created, again.updated, again.rejected.len()), (0, 2, 3));
    assert_eq!(partner_count(&portal).await, 2);

    let renamed = csv_file(&COLUMNS, &[row("good-one-renamed", "1000000001", &[("tier", "silver")])]);
    let report = import(&portal, &renamed).await.unwrap();
    assert_eq!((report.created, report.updated), (0, 1));
    let stored = store::find_by_csn(portal.db.conn(), "1000000001").await.unwrap().unwrap();
    assert_eq!(
        (stored.id, stored.slug.as_str(), stored.tier.as_str()),
        (first.id, "good-one-renamed", "silver")
    );
    assert_eq!(stored.created_at, first.created_at);
}

#[rocket::async_test]
async fn a_slug_that_belongs_to_another_csn_is_rejected() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let existing = partner("taken").create(&portal).await;
    let file = csv_file(&COLUMNS, &[row("taken", "1000000009", &[]), row("free", "1000000010", &[])]);
    let report = import(&portal, &file).await.unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].line, 2);
    assert_eq!(
        report.rejected[0].reason,
        format!("slug \"taken\" is used by partner with CSN {}", existing.csn)
    );
    let kept = store::find_by_slug(portal.db.conn(), "taken").await.unwrap().unwrap();
    assert_eq!(kept.csn, existing.csn);
}

#[rocket::async_test]
async fn a_file_with_unknown_or_missing_columns_is_refused_and_nothing_is_written() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut header = COLUMNS.to_vec();
    header.push("fax");
    let mut extra = row("one", "1000000001", &[]);
    extra.push("03-0000-0000".into());
    let message = file_message(import(&portal, &csv_file(&header, &[extra])).await);
    assert!(message.contains("Unknown columns: \"fax\""), "{message}");

    let header: Vec<&str> = COLUMNS.iter().copied().filter(|c| *c != "phone").collect();
    let mut short = row("one", "1000000001", &[]);
    short.retain(|v| v != "03-1234-5678");
    let message = file_message(import(&portal, &csv_file(&header, &[short])).await);
    assert!(message.contains("Missing columns: phone."), "{message}");

    let message = file_message(import(&portal, b"").await);
    assert!(message.contains("The file is empty"), "{message}");
    assert_eq!(partner_count(&portal).await, 0);
}

#[rocket::async_test]
async fn hostile_text_is_stored_as_text() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let file = csv_file(
        &COLUMNS,
        &[row(
            "hostile",
            "1000000001",
            &[
                ("name_en", "<img src=x onerror=alert(1)>"),
                ("name_ja", "=HYPERLINK(\"https://evil.example\",\"株式会社\")"),
                ("description_en", "+cmd|' /C calc'!A0, \"quoted\"\nsecond line"),
            ],
        )],
    );
    let report = import(&portal, &file).await.unwrap();
    assert_eq!(report.created, 1, "{report:?}");
    let stored = store::find_by_csn(portal.db.conn(), "1000000001").await.unwrap().unwrap();
    assert_eq!(stored.name_en, "<img src=x onerror=alert(1)>");
    assert_eq!(stored.name_ja, "=HYPERLINK(\"https://evil.example\",\"株式会社\")");
    assert_eq!(stored.description_en, "+cmd|' /C calc'!A0, \"quoted\"\nsecond line");
}

#[rocket::async_test]
async fn columns_come_in_any_order_with_lists_split_by_semicolons_or_bars() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut header = COLUMNS.to_vec();
    header.reverse();
    let mut one = row("one", "1000000001", &[("languages", "JA | en"), ("published", "Yes")]);
    one.reverse();
    let mut two = row("two", "1000000002", &[("published", ""), ("regions", "JP-27")]);
    two.reverse();
    // Excel writes a byte order mark before the header and leaves rows of empty cells below.
    let mut file = "\u{feff}".as_bytes().to_vec();
    file.extend(csv_file(&header, &[one, two, vec![String::new(); COLUMNS.len()]]));
    let report = import(&portal, &file).await.unwrap();
    assert_eq!((report.created, report.rejected.len()), (2, 0), "{report:?}");
    let one = store::find_by_csn(portal.db.conn(), "1000000001").await.unwrap().unwrap();
    assert_eq!((one.languages.join(","), one.published), ("ja,en".to_owned(), true));
    let two = store::find_by_csn(portal.db.conn(), "1000000002").await.unwrap().unwrap();
    assert_eq!((two.regions.join(","), two.published), ("JP-27".to_owned(), false));
}

#[rocket::async_test]
async fn rows_with_a_wrong_field_count_or_a_bad_published_flag_are_rejected_by_line() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut text = String::from_utf8(csv_file(&COLUMNS, &[row("one", "1000000001", &[])])).unwrap();
    text.push_str("two,\"multi\nline\",x\n");
    text.push_str(&row("three", "1000000003", &[("published", "maybe")]).join(","));
    text.push('\n');
    let report = import(&portal, text.as_bytes()).await.unwrap();
    assert_eq!(report.created, 1);
    let rejected: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        rejected,
        [
            (3, "has 3 fields but the header has 19"),
            (5, "published \"maybe\": Use true or false (also 1/0, yes/no)")
        ]
    );
}

#[rocket::async_test]
async fn line_numbers_are_physical_lines_with_windows_line_endings_and_blank_lines() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let bad = |slug: &str, csn: &str| row(slug, csn, &[("tier", "diamond")]).join(",");
    let multi_line = row("multi", "1000000003", &[("tier", "diamond"), ("description_en", "one\r\ntwo")]);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    writer.write_record(&multi_line).unwrap();
    let multi_line = String::from_utf8(writer.into_inner().unwrap()).unwrap();
    let text = format!(
        "{}\r\n{}\r\n\r\n\r\n{}\r\n{multi_line}\r\n{}",
        COLUMNS.join(","),
        bad("first", "1000000001"),
        bad("second", "1000000002"),
        bad("last", "1000000004"),
    );
    let report = import(&portal, text.as_bytes()).await.unwrap();
    let lines: Vec<(u64, &str)> = report.rejected.iter().map(|r| (r.line, r.csn.as_str())).collect();
    assert_eq!(lines, [(2, "1000000001"), (5, "1000000002"), (6, "1000000003"), (9, "1000000004")]);
    assert!(report.rejected[0].reason.starts_with("tier \"diamond\": Choose platinum"), "{report:?}");
}

#[rocket::async_test]
async fn absurd_files_are_refused_with_a_clear_error() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let header = COLUMNS.join(",");

    let huge = std::io::Cursor::new(header.clone()).chain(std::io::repeat(b'a').take(51 << 20));
    let result = import_csv(&portal, None, &Origin::default(), huge, |_| {}).await;
    assert!(file_message(result).contains("larger than 50 MiB"));

    let wide = format!("{header}\n{}\n", vec!["x"; 101].join(","));
    assert!(file_message(import(&portal, wide.as_bytes()).await).contains("Line 2 has more than 100 fields"));

    let long = row("long", "1000000001", &[("description_en", &"a".repeat(10_001))]);
    let message =
        file_message(import(&portal, &csv_file(&COLUMNS, &[row("ok", "1000000002", &[]), long])).await);
    assert!(message.contains("Line 3 has a field longer than 10000 characters"), "{message}");

    let mut shift_jis = csv_file(&COLUMNS, &[row("sjis", "1000000003", &[("name_ja", "X")])]);
    let at = shift_jis.iter().position(|b| *b == b'X').unwrap();
    shift_jis.splice(at..=at, [0x93, 0x8c, 0x8b, 0x9e]);
    assert!(file_message(import(&portal, &shift_jis).await).contains("Line 2 is not UTF-8"));
    assert_eq!(partner_count(&portal).await, 0);
}

#[rocket::async_test]
async fn only_the_operator_may_import() {
    let (portal, _db) = fresh_portal(&Options::default()).await;
    let mut partner_admin = operator();
    partner_admin.role = flexportal::domain::actor::Role::PartnerAdmin;
    partner_admin.partner_id = Some(uuid::Uuid::new_v4());
    let result =
        import_csv(&portal, Some(&partner_admin), &Origin::default(), mixed_file().as_slice(), |_| {}).await;
    assert!(matches!(result, Err(Error::Forbidden)));
    let (admin, file) = (operator(), mixed_file());
    let report = import_csv(&portal, Some(&admin), &Origin::default(), file.as_slice(), |_| {}).await;
    assert_eq!(report.unwrap().created, 2);
}

#[rocket::async_test]
async fn partners_import_on_the_command_line_prints_the_report_and_exits_2_when_rows_were_rejected() {
    let (config, _db) = fresh_config(&Options::default()).await;
    let path = config.data_dir.join("partners.csv");
    std::fs::write(&path, mixed_file()).unwrap();
    let output = flexportal(&config).args(["partners", "import"]).arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("created 2, updated 0, rejected 3"), "{stdout}");
    assert!(stdout.contains("line  csn         reason"), "{stdout}");
    assert!(stdout.contains("4     1000000001  duplicate CSN (first on line 2)"), "{stdout}");
    assert!(stdout.contains("5     1000000003  invoice_registration_number"), "{stdout}");

    let clean = config.data_dir.join("clean.csv");
    std::fs::write(&clean, csv_file(&COLUMNS, &[row("good-one", "1000000001", &[])])).unwrap();
    let output = flexportal(&config).args(["partners", "import"]).arg(&clean).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("created 0, updated 1, rejected 0"));

    let refused = config.data_dir.join("refused.csv");
    std::fs::write(&refused, "slug,name,fax\n").unwrap();
    let output = flexportal(&config).args(["partners", "import"]).arg(&refused).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Unknown columns: \"name\", \"fax\""));

    let output =
        flexportal(&config).args(["partners", "import", "/nonexistent/partners.csv"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/partners.csv"));
}
