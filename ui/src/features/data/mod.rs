//! Files in and out: customers from a CSV or an Excel workbook (`.xlsx`) of another tool
//! (preview, per-row errors, all or nothing), and the whole store to a JSON backup and back.
//! [`file_rows`] (a chosen file → what an import plans from) serves the product import too.

use crate::db;
use crate::db::backup::{export_file, restore, ExportError};
use crate::db::store::{now, random_u64};
use crate::files::{chosen_file, download_blob, file_rows, FileRows};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_bridge::from_js;
use nobi_core::crm::backup::Backup;
use nobi_core::crm::import::{plan_import, plan_import_rows, ImportPlan};
use nobi_core::crm::{Customer, Date, Tag};
use nobi_core::i18n::{ui, Ui};

#[derive(Clone, PartialEq)]
enum ImportState {
    Idle,
    Reading,
    Planned(std::sync::Arc<ImportPlan>),
    Done { created: usize, updated: usize },
    Failed(Ui),
}

#[component]
pub fn DataView() -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let import = RwSignal::new(ImportState::Idle);
    let restore_msg = RwSignal::new(None::<Result<String, String>>);

    // Reads the chosen file and plans the import (nothing is written yet).
    let plan_file = Action::new_local(move |ev: &leptos::ev::Event| {
        let ev = ev.clone();
        import.set(ImportState::Reading);
        async move {
            let bytes = match chosen_file(&ev, nobi_core::tabular::check_file_size).await {
                Ok(Some((_, bytes))) => bytes,
                Ok(None) => {
                    import.set(ImportState::Failed(Ui::FileUnreadable));
                    return;
                }
                Err(too_large) => {
                    let plan = ImportPlan::failed(too_large.into());
                    import.set(ImportState::Planned(std::sync::Arc::new(plan)));
                    return;
                }
            };
            let store = db::store();
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
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        plan_file.dispatch(ev);
    };
    // Writes a planned import: its new tags and customers, in one transaction.
    let write_import = Action::new_local(move |plan: &std::sync::Arc<ImportPlan>| {
        let plan = plan.clone();
        async move {
            match db::customers::import(&plan).await {
                Ok(()) => {
                    state
                        .tags
                        .update(|tags| tags.extend(plan.new_tags.iter().cloned()));
                    import.set(ImportState::Done {
                        created: plan.creates.len(),
                        updated: plan.updates.len(),
                    });
                }
                Err(crate::db::store::StoreError::Conflict) => {
                    import.set(ImportState::Failed(Ui::ImportStale))
                }
                Err(_) => import.set(ImportState::Failed(Ui::SaveFailed)),
            }
        }
    });
    let confirm = move || {
        let ImportState::Planned(plan) = import.get_untracked() else {
            return;
        };
        if !plan.is_ok() {
            return;
        }
        write_import.dispatch(plan);
    };
    let export_action = Action::new_local(move |_: &()| async move {
        let lang = lang.get_untracked();
        match export_file(now()).await {
            Ok(blob) => {
                let d = js_sys::Date::new_0();
                let date = Date {
                    year: d.get_full_year() as u16,
                    month: d.get_month() as u8 + 1,
                    day: d.get_date() as u8,
                };
                let _ = download_blob(&format!("nobi-pro-backup-{}.json", date.to_iso()), &blob);
            }
            Err(ExportError::Store(_)) => {
                restore_msg.set(Some(Err(ui(Ui::StoreUnavailable, lang).into())))
            }
            Err(ExportError::NotVerified { store, wrote, held }) => {
                web_sys::console::error_1(
                    &format!("Nobi Pro: export of '{store}' wrote {wrote} of {held} records")
                        .into(),
                );
                restore_msg.set(Some(Err(ui(Ui::ExportNotVerified, lang).into())))
            }
        }
    });
    let export = move || {
        export_action.dispatch(());
    };
    let restore_action = Action::new_local(move |ev: &leptos::ev::Event| {
        let ev = ev.clone();
        async move {
            let lang = lang.get_untracked();
            let checked =
                chosen_file(&ev, |_, size| nobi_core::crm::backup::check_file_size(size)).await;
            let bytes = match checked {
                Ok(Some((_, bytes))) => bytes,
                Ok(None) => {
                    restore_msg.set(Some(Err(ui(Ui::FileUnreadable, lang).into())));
                    return;
                }
                Err(e) => {
                    restore_msg.set(Some(Err(e.message(lang))));
                    return;
                }
            };
            // Before any parsing: JSON nested deeper than a backup can be would recurse in the
            // decoder (and nothing is cleared before the whole file is checked).
            if let Err(e) = nobi_core::crm::backup::check_json(&bytes) {
                restore_msg.set(Some(Err(e.message(lang))));
                return;
            }
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
                    // Everything changed: the open card, the catalog and templates read again
                    // (other panels hear it from the store's announcement).
                    state.heard(crate::db::changes::Changed {
                        stores: nobi_core::crm::schema::RECORD_STORES
                            .iter()
                            .map(|s| (*s).to_owned())
                            .collect(),
                        ids: Vec::new(),
                    });
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
        }
    });
    let on_backup = move |ev: leptos::ev::Event| {
        restore_action.dispatch(ev);
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
        <crate::features::composer::PacingSettings/>
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
