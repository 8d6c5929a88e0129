//! The product import's preview.

use super::SHOWN_ERRORS;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::import::{ProductImportPlan, RowAction};

/// The plan of a product import: columns understood, errors or counts, the first rows, and the
/// confirm button (enabled only for a plan without errors).
pub(super) fn import_plan_view(
    plan: &ProductImportPlan,
    l: Lang,
    confirm: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let t = move |key: Ui| ui(key, l);
    let ok = plan.is_ok();
    let columns = plan
        .columns
        .iter()
        .map(|(header, field)| {
            let target = field
                .as_ref()
                .map(|f| f.label(l))
                .unwrap_or_else(|| t(Ui::ColumnIgnored).to_owned());
            view! { <li>{header.clone()} " → " <b>{target}</b></li> }
        })
        .collect_view();
    let errors = plan
        .errors
        .iter()
        .take(SHOWN_ERRORS)
        .map(|e| view! { <li data-testid="product-import-error-row">{e.message(l)}</li> })
        .collect_view();
    let more = plan.errors.len().saturating_sub(SHOWN_ERRORS);
    let warehouses = plan.new_warehouses.join(", ");
    let preview = plan
        .preview
        .iter()
        .map(|r| {
            let options = [r.size.clone(), r.colour.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" / ");
            let stock = r
                .stock
                .iter()
                .map(|(w, n)| format!("{w}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let action = r.action.map(|a| {
                t(match a {
                    RowAction::Create => Ui::RowCreate,
                    RowAction::AddVariant => Ui::RowAddVariant,
                    RowAction::Update => Ui::RowUpdate,
                    RowAction::Unchanged => Ui::RowUnchanged,
                })
            });
            view! {
                <tr class:bad=r.has_errors>
                    <td>{r.row}</td><td>{r.sku.clone()}</td>
                    <td>{r.name.clone()} {(!options.is_empty()).then(|| view! { <br/><span class="muted">{options}</span> })}</td>
                    <td class="money">{r.price.map(|p| p.format())}</td><td>{stock}</td><td class="muted">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="import-plan" data-testid="product-import-plan">
            <ul class="columns small">{columns}</ul>
            {(!ok).then(|| view! {
                <div class="error" role="alert" data-testid="product-import-errors">
                    <p>{t(Ui::ImportErrors)}</p>
                    <ul>{errors}</ul>
                    {(more > 0).then(|| format!("… +{more}"))}
                </div>
            })}
            {ok.then(|| view! {
                <p class="ok" data-testid="product-import-summary">
                    {t(Ui::ImportReady)} ": " {plan.created} " " {t(Ui::ImportProductsNew)} ", "
                    {plan.updated} " " {t(Ui::ImportProductsUpdated)} "."
                </p>
            })}
            {(!warehouses.is_empty()).then(|| view! {
                <p class="small" data-testid="product-import-warehouses">{t(Ui::ImportNewWarehouses)} ": " {warehouses}</p>
            })}
            <h4>{t(Ui::Preview)}</h4>
            <table class="preview small"><tbody>{preview}</tbody></table>
            <button class="primary" data-testid="product-import-confirm" disabled=!ok on:click=move |_| confirm()>{t(Ui::ImportConfirm)}</button>
        </div>
    }
}
