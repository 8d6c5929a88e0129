//! Files in and out: customers from a CSV or an Excel workbook (`.xlsx`) of another tool
//! (preview, per-row errors, all or nothing), and the whole store to a JSON backup and back.
//! [`file_rows`] (a chosen file → what an import plans from) serves the product import too.

use crate::crm;
use crate::store::{now, random_u64, Batch};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_bridge::{from_js, to_js};
use nobi_core::crm::backup::Backup;
use nobi_core::crm::import::{plan_import, plan_import_rows, ImportPlan};
use nobi_core::crm::schema;
use nobi_core::crm::xlsx::{self, XlsxError};
use nobi_core::crm::{ConversationRecord, Customer, Date, HistoryEntry, Settings, Staff, Tag};
use nobi_core::i18n::{ui, Ui};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::card::CardState;

/// The bytes of the first file chosen in an `<input type="file">`.
pub(crate) async fn chosen_file(ev: &leptos::ev::Event) -> Option<(String, Vec<u8>)> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files()?.get(0)?;
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    // Choosing the same file again must fire `change` again.
    input.set_value("");
    Some((file.name(), js_sys::Uint8Array::new(&buffer).to_vec()))
}

/// The rows of the workbook's first sheet (`xlsx::read_first_sheet`: unzipped and inflated in
/// core, synchronously).
async fn read_xlsx(file: &[u8]) -> Result<Vec<Vec<String>>, XlsxError> {
    xlsx::read_first_sheet(file)
}

/// What a chosen file holds, for an import to plan from.
pub(crate) enum FileRows {
    /// Text (CSV): core's CSV reader splits it (`plan_import`, `plan_product_import`), so that
    /// encodings, delimiters, Excel's row numbers and quote problems are read in one place.
    Csv(Vec<u8>),
    /// The rows of an `.xlsx` workbook's first sheet: `rows[i]` is the sheet's row `i + 1`
    /// (`plan_import_rows`, `plan_product_import_rows`).
    Sheet(Vec<Vec<String>>),
}

/// The bytes of a chosen file → its rows: an `.xlsx` is unzipped and its first sheet read
/// (`xlsx::plan_xlsx`, the browser's DecompressionStream, `xlsx::sheet_rows`); anything else
/// goes to core's CSV reader. The error converts into either import's error kind.
pub(crate) async fn file_rows(bytes: Vec<u8>) -> Result<FileRows, XlsxError> {
    if xlsx::is_xlsx(&bytes) {
        read_xlsx(&bytes).await.map(FileRows::Sheet)
    } else {
        Ok(FileRows::Csv(bytes))
    }
}

/// Offers `text` as a file download named `name`.
pub(crate) fn download(name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(JsValue::NULL)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}

/// Every record of the store, as one backup.
pub async fn backup() -> Result<Backup, crate::store::StoreError> {
    let store = crm::store();
    let mut backup = Backup::new(now());
    backup.settings = store.all::<Settings>().await?;
    backup.staff = store.all::<Staff>().await?;
    backup.tags = store.all::<Tag>().await?;
    backup.customers = store.all::<Customer>().await?;
    backup.conversations = store.all::<ConversationRecord>().await?;
    backup.history = store.all::<HistoryEntry>().await?;
    backup.products = store.all::<nobi_core::order::Product>().await?;
    backup.combos = store.all::<nobi_core::order::Combo>().await?;
    backup.orders = store.all::<nobi_core::order::Order>().await?;
    backup.templates = store.all::<nobi_core::template::Template>().await?;
    backup.media = store.all::<nobi_core::crm::MediaItem>().await?;
    Ok(backup)
}

/// Replaces the store's records with the backup's, in one transaction.
async fn restore(backup: &Backup) -> Result<(), crate::store::StoreError> {
    let mut batch = Batch::new();
    for store in [
        schema::SETTINGS,
        schema::STAFF,
        schema::TAGS,
        schema::CUSTOMERS,
        schema::CONVERSATIONS,
        schema::HISTORY,
        schema::PRODUCTS,
        schema::COMBOS,
        schema::ORDERS,
        schema::TEMPLATES,
        schema::MEDIA,
    ] {
        batch.clear(store);
    }
    for r in &backup.settings {
        batch.put_as_is(r);
    }
    for r in &backup.staff {
        batch.put_as_is(r);
    }
    for r in &backup.tags {
        batch.put_as_is(r);
    }
    for r in &backup.customers {
        batch.put_as_is(r);
    }
    for r in &backup.conversations {
        batch.put_as_is(r);
    }
    for r in &backup.history {
        batch.put_as_is(r);
    }
    for r in &backup.products {
        batch.put_as_is(r);
    }
    for r in &backup.combos {
        batch.put_as_is(r);
    }
    for r in &backup.orders {
        batch.put_as_is(r);
    }
    for r in &backup.templates {
        batch.put_as_is(r);
    }
    for r in &backup.media {
        batch.put_as_is(r);
    }
    crm::store().write(batch).await
}

#[derive(Clone, PartialEq)]
enum ImportState {
    Idle,
    Reading,
    Planned(std::sync::Arc<ImportPlan>),
    Done { created: usize, updated: usize },
    Failed(Ui),
}

#[component]
pub fn DataView(state: CardState) -> impl IntoView {
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let import = RwSignal::new(ImportState::Idle);
    let restore_msg = RwSignal::new(None::<Result<String, String>>);

    let on_file = move |ev: leptos::ev::Event| {
        import.set(ImportState::Reading);
        spawn_local(async move {
            let Some((_, bytes)) = chosen_file(&ev).await else {
                import.set(ImportState::Failed(Ui::FileUnreadable));
                return;
            };
            let store = crm::store();
            let (Ok(customers), Ok(tags)) =
                (store.all::<Customer>().await, store.all::<Tag>().await)
            else {
                import.set(ImportState::Failed(Ui::StoreUnavailable));
                return;
            };
            let mut random = random_u64;
            let plan = match file_rows(bytes).await {
                Ok(FileRows::Sheet(rows)) => {
                    plan_import_rows(rows, &customers, &tags, now(), &mut random)
                }
                Ok(FileRows::Csv(bytes)) => {
                    plan_import(&bytes, &customers, &tags, now(), &mut random)
                }
                Err(e) => ImportPlan::failed(e.into()),
            };
            import.set(ImportState::Planned(std::sync::Arc::new(plan)));
        });
    };
    let confirm = move || {
        let ImportState::Planned(plan) = import.get_untracked() else {
            return;
        };
        if !plan.is_ok() {
            return;
        }
        spawn_local(async move {
            let mut batch = Batch::new();
            for tag in &plan.new_tags {
                batch.put_as_is(tag);
            }
            for c in plan.creates.iter().chain(&plan.updates) {
                batch.put_as_is(c);
            }
            match crm::store().write(batch).await {
                Ok(()) => {
                    state
                        .tags
                        .update(|tags| tags.extend(plan.new_tags.iter().cloned()));
                    import.set(ImportState::Done {
                        created: plan.creates.len(),
                        updated: plan.updates.len(),
                    });
                }
                Err(_) => import.set(ImportState::Failed(Ui::SaveFailed)),
            }
        });
    };
    let export = move || {
        spawn_local(async move {
            match backup().await {
                Ok(backup) => {
                    let text = js_sys::JSON::stringify_with_replacer_and_space(
                        &to_js(&backup),
                        &JsValue::NULL,
                        &JsValue::from_f64(1.0),
                    )
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_default();
                    let d = js_sys::Date::new_0();
                    let date = Date {
                        year: d.get_full_year() as u16,
                        month: d.get_month() as u8 + 1,
                        day: d.get_date() as u8,
                    };
                    let _ = download(
                        &format!("nobi-pro-backup-{}.json", date.to_iso()),
                        &text,
                        "application/json",
                    );
                }
                Err(_) => restore_msg.set(Some(Err(t(Ui::StoreUnavailable).into()))),
            }
        });
    };
    let on_backup = move |ev: leptos::ev::Event| {
        spawn_local(async move {
            let lang = lang.get_untracked();
            let Some((_, bytes)) = chosen_file(&ev).await else {
                restore_msg.set(Some(Err(ui(Ui::FileUnreadable, lang).into())));
                return;
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let Ok(value) = js_sys::JSON::parse(text.trim_start_matches('\u{feff}')) else {
                restore_msg.set(Some(Err(ui(Ui::BackupUnreadable, lang).into())));
                return;
            };
            // The header first: a newer version's file gets its own message, not "damaged".
            if let Ok(header) = from_js::<nobi_core::crm::backup::BackupHeader>(value.clone()) {
                if let Err(e) = header.check() {
                    restore_msg.set(Some(Err(e.message(lang))));
                    return;
                }
            }
            let Ok(mut backup) = from_js::<Backup>(value) else {
                restore_msg.set(Some(Err(ui(Ui::BackupUnreadable, lang).into())));
                return;
            };
            if let Err(e) = backup.check() {
                restore_msg.set(Some(Err(e.message(lang))));
                return;
            }
            match restore(&backup).await {
                Ok(()) => {
                    state.tags.set(backup.tags.clone());
                    state.staff.set(backup.staff.clone());
                    state.catalog.set(nobi_core::order::Catalog {
                        products: backup.products.clone(),
                        combos: backup.combos.clone(),
                    });
                    restore_msg.set(Some(Ok(format!(
                        "{} {} {}",
                        ui(Ui::RestoreDone, lang),
                        backup.customers.len(),
                        ui(Ui::ResultsCount, lang)
                    ))));
                }
                Err(_) => restore_msg.set(Some(Err(ui(Ui::SaveFailed, lang).into()))),
            }
        });
    };

    view! {
        <section class="card" data-testid="import">
            <h3>{move || t(Ui::ImportCustomers)}</h3>
            <p class="muted small">{move || t(Ui::ImportHint)}</p>
            <input type="file" accept=".csv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" data-testid="import-file" on:change=on_file/>
            {move || match import.get() {
                ImportState::Idle => ().into_any(),
                ImportState::Reading => view! { <p class="muted">{t(Ui::Loading)}</p> }.into_any(),
                ImportState::Failed(key) => view! { <p class="error" role="alert" data-testid="import-error">{t(key)}</p> }.into_any(),
                ImportState::Done { created, updated } => view! {
                    <p class="ok" role="status" data-testid="import-done">
                        {t(Ui::ImportDone)} " " {created} " " {t(Ui::ImportNew)} ", " {updated} " " {t(Ui::ImportUpdated)} "."
                    </p>
                }.into_any(),
                ImportState::Planned(plan) => {
                    let l = lang.get();
                    let ok = plan.is_ok();
                    let columns = plan.columns.iter().map(|(header, field)| {
                        let target = field.map(|f| f.label(l).to_owned()).unwrap_or_else(|| t(Ui::ColumnIgnored).to_owned());
                        view! { <li>{header.clone()} " → " <b>{target}</b></li> }
                    }).collect_view();
                    let errors = plan.errors.iter().take(100).map(|e| view! { <li>{e.message(l)}</li> }).collect_view();
                    let more = plan.errors.len().saturating_sub(100);
                    let preview = plan.preview.iter().map(|r| view! {
                        <tr class:bad=r.has_errors>
                            <td>{r.row}</td><td>{r.name.clone()}</td><td>{r.phones.join(", ")}</td>
                            <td>{r.addresses.join("; ")}</td><td>{r.tags.join(", ")}</td>
                        </tr>
                    }).collect_view();
                    view! {
                        <div class="import-plan" data-testid="import-plan">
                            <ul class="columns small">{columns}</ul>
                            {(!ok).then(|| view! {
                                <div class="error" role="alert" data-testid="import-errors">
                                    <p>{t(Ui::ImportErrors)}</p>
                                    <ul>{errors}</ul>
                                    {(more > 0).then(|| format!("… +{more}"))}
                                </div>
                            })}
                            {ok.then(|| view! {
                                <p class="ok" data-testid="import-summary">
                                    {t(Ui::ImportReady)} ": " {plan.creates.len()} " " {t(Ui::ImportNew)} ", "
                                    {plan.updates.len()} " " {t(Ui::ImportUpdated)} ", " {plan.new_tags.len()} " " {t(Ui::ImportTags)} "."
                                </p>
                            })}
                            <h4>{t(Ui::Preview)}</h4>
                            <table class="preview small"><tbody>{preview}</tbody></table>
                            <button class="primary" data-testid="import-confirm" disabled=!ok on:click=move |_| confirm()>{t(Ui::ImportConfirm)}</button>
                        </div>
                    }.into_any()
                }
            }}
        </section>
        <crate::composer::PacingSettings state=state/>
        <section class="card" data-testid="backup">
            <h3>{move || t(Ui::ExportAll)}</h3>
            <p class="muted small">{move || t(Ui::ExportHint)}</p>
            <button data-testid="export" on:click=move |_| export()>{move || t(Ui::ExportAll)}</button>
            <h4>{move || t(Ui::RestoreBackup)}</h4>
            <p class="muted small">{move || t(Ui::RestoreWarning)}</p>
            <input type="file" accept=".json,application/json" data-testid="restore-file" on:change=on_backup/>
            {move || restore_msg.get().map(|m| match m {
                Ok(text) => view! { <p class="ok" role="status" data-testid="restore-done">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert" data-testid="restore-error">{text}</p> }.into_any(),
            })}
        </section>
    }
}
