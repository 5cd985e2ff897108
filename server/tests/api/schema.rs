//! The SQLite and PostgreSQL migrations describe one schema: the same tables, columns,
//! primary keys and indexes (unique or not), so code tested on one backend meets the
//! same constraints on the other. Types differ by design (BIGINT vs INTEGER, BYTEA vs BLOB).

use std::collections::BTreeSet;

use plugboard_server::db;

/// `(table, what)` facts about a schema, in one notation for both backends.
type Facts = BTreeSet<(String, String)>;

async fn sqlite_facts() -> Facts {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    let mut facts = Facts::new();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table,) in tables {
        let columns: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT name, \"notnull\", pk FROM pragma_table_info('{table}')"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut key = Vec::new();
        for (name, not_null, pk) in columns {
            // A primary key column is NOT NULL on PostgreSQL whether or not it says so.
            let null = if not_null == 1 || pk > 0 { "not null" } else { "null" };
            facts.insert((table.clone(), format!("column {name} {null}")));
            if pk > 0 {
                key.push(name);
            }
        }
        facts.insert((table.clone(), format!("primary key ({})", key.join(", "))));
        let indexes: Vec<(String, i64, String)> = sqlx::query_as(&format!(
            "SELECT name, \"unique\", origin FROM pragma_index_list('{table}')"
        ))
        .fetch_all(&pool)
        .await
        .unwrap();
        for (index, unique, origin) in indexes.into_iter().filter(|(_, _, origin)| origin != "pk") {
            let columns: Vec<(String,)> = sqlx::query_as(&format!("SELECT name FROM pragma_index_info('{index}')"))
                .fetch_all(&pool)
                .await
                .unwrap();
            let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
            let _ = origin;
            let kind = if unique == 1 { "unique index" } else { "index" };
            facts.insert((table.clone(), format!("{kind} ({})", columns.join(", "))));
        }
    }
    facts
}

async fn postgres_facts(server: &str) -> Facts {
    use sqlx::Connection;
    let name = format!("pb_schema_{}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    sqlx::Executor::execute(&mut admin, format!("DROP DATABASE IF EXISTS {name}").as_str())
        .await
        .unwrap();
    sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let pool = db::connect(&format!("{server}/{name}")).await.unwrap();
    let mut facts = Facts::new();
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT), CAST(is_nullable AS TEXT) \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, column, nullable) in columns {
        let null = if nullable == "YES" { "null" } else { "not null" };
        facts.insert((table, format!("column {column} {null}")));
    }
    // Each index with its columns in order, whether it is unique and whether it is the key.
    let indexes: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "SELECT CAST(t.relname AS TEXT), \
                CAST(string_agg(a.attname, ', ' ORDER BY k.ordinality) AS TEXT), i.indisunique, i.indisprimary \
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
         JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ordinality) ON true \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
         WHERE n.nspname = 'public' AND t.relname NOT LIKE '\\_sqlx%' \
         GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for (table, columns, unique, primary) in indexes {
        let fact = match (primary, unique) {
            (true, _) => format!("primary key ({columns})"),
            (false, true) => format!("unique index ({columns})"),
            (false, false) => format!("index ({columns})"),
        };
        facts.insert((table, fact));
    }
    pool.close().await;
    // FORCE: the pool's last sessions may still be ending on the server side.
    sqlx::Executor::execute(&mut admin, format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    facts
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs it with PLUGBOARD_TEST_POSTGRES_URL"]
async fn sqlite_and_postgres_migrations_make_the_same_schema() {
    let server = std::env::var("PLUGBOARD_TEST_POSTGRES_URL").expect("PLUGBOARD_TEST_POSTGRES_URL");
    let (sqlite, postgres) = (sqlite_facts().await, postgres_facts(&server).await);
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
    assert!(sqlite.len() > 50, "{} facts", sqlite.len());
}
