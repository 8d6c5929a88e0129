//! The products tab: the catalog (products with variants, price, stock per warehouse), adding a
//! product, correcting stock, importing products from another tool's CSV or Excel file, the
//! shop's warehouses and the order settings.
//!
//! A catalog edit is checked with `Catalog::validate` on a copy before it is written, so orders
//! never meet a duplicate SKU or a negative price. An import is planned whole by core
//! (`plan_product_import`: preview, per-row errors) and written whole or not at all.

mod import;

use crate::db;
use crate::db::store::new_id;
use crate::files::{chosen_file, file_rows, FileRows};
use crate::state::use_app;
use crate::state::AppState;
use import::import_plan_view;
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::catalog::{Catalog, Product, StockLevel, Variant};
use nobi_core::order::import::{plan_product_import, plan_product_import_rows, ProductImportPlan};
use nobi_core::order::money::Vnd;
use std::sync::Arc;

/// How many per-row errors of an import are listed.
pub(super) const SHOWN_ERRORS: usize = 100;

/// The product import, from the chosen file to the written catalog.
#[derive(Clone)]
enum ImportState {
    Idle,
    Reading,
    /// The plan, and the catalog it was planned against.
    Planned {
        plan: Arc<ProductImportPlan>,
        catalog: Arc<Catalog>,
    },
    Saving,
    Done {
        created: usize,
        updated: usize,
    },
    Failed(String),
}

/// One variant row of the "add product" form, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct VariantInput {
    sku: String,
    size: String,
    colour: String,
    price: String,
    stock: String,
}

fn default_warehouse(state: AppState) -> String {
    state
        .settings
        .with_untracked(|s| s.warehouses.first().cloned())
        .unwrap_or_else(|| ui(Ui::DefaultWarehouse, Lang::Vi).to_owned())
}

/// Checks `products` (new or changed) against the rest of the catalog, then writes them.
fn save(
    state: AppState,
    products: Vec<Product>,
    error: RwSignal<Option<String>>,
    done: impl FnOnce() + 'static,
) {
    let lang = state.lang.get_untracked();
    let mut catalog = state.catalog.get_untracked();
    let read: Vec<Product> = catalog
        .products
        .iter()
        .filter(|p| products.iter().any(|n| n.id == p.id))
        .cloned()
        .collect();
    for product in &products {
        match catalog.products.iter_mut().find(|p| p.id == product.id) {
            Some(slot) => *slot = product.clone(),
            None => catalog.products.push(product.clone()),
        }
    }
    if let Some(e) = catalog.validate().first() {
        error.set(Some(e.message(lang)));
        return;
    }
    spawn_local(async move {
        match db::save_products(&products, &read).await {
            Ok(()) => {
                error.set(None);
                state.catalog.set(catalog);
                done();
            }
            Err(db::store::StoreError::Conflict) => {
                error.set(Some(ui(Ui::ProductChangedElsewhere, lang).into()));
                state.reload_catalog().await;
            }
            Err(_) => error.set(Some(ui(Ui::SaveFailed, lang).into())),
        }
    });
}

#[component]
pub fn ProductsView() -> impl IntoView {
    let state = use_app();
    let catalog = LocalResource::new(move || state.ensure_catalog());
    Effect::new(move |_| catalog.track());
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let query = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let adding = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let variants = RwSignal::new(vec![VariantInput::default()]);
    let new_warehouse = RwSignal::new(String::new());
    let import = RwSignal::new(ImportState::Idle);

    let add_product = move || {
        let l = lang.get_untracked();
        let warehouse = default_warehouse(state);
        let mut list = Vec::new();
        for v in variants.get_untracked() {
            if v.sku.trim().is_empty() {
                continue;
            }
            let price = match Vnd::parse(&v.price) {
                Ok(p) => p,
                Err(e) => {
                    error.set(Some(e.message(l)));
                    return;
                }
            };
            let on_hand: i64 = v.stock.trim().parse().unwrap_or(0);
            let mut variant = Variant {
                sku: v.sku.trim().to_owned(),
                size: Some(v.size.trim().to_owned()).filter(|s| !s.is_empty()),
                colour: Some(v.colour.trim().to_owned()).filter(|s| !s.is_empty()),
                price,
                ..Variant::default()
            };
            variant.stock.insert(
                warehouse.clone(),
                StockLevel {
                    on_hand,
                    reserved: 0,
                },
            );
            list.push(variant);
        }
        if name.get_untracked().trim().is_empty() || list.is_empty() {
            error.set(Some(match l {
                Lang::Vi => "Cần tên sản phẩm và ít nhất một mã SKU.".to_owned(),
                Lang::En => "A product needs a name and at least one SKU.".to_owned(),
            }));
            return;
        }
        let product = Product {
            id: new_id().0,
            name: name.get_untracked().trim().to_owned(),
            images: Vec::new(),
            variants: list,
        };
        save(state, vec![product], error, move || {
            adding.set(false);
            name.set(String::new());
            variants.set(vec![VariantInput::default()]);
        });
    };
    let set_stock = move |product_id: String, sku: String, value: String| {
        let warehouse = default_warehouse(state);
        let Ok(on_hand) = value.trim().parse::<i64>() else {
            return;
        };
        let Some(mut product) = state
            .catalog
            .with_untracked(|c| c.products.iter().find(|p| p.id == product_id).cloned())
        else {
            return;
        };
        if let Some(v) = product.variants.iter_mut().find(|v| v.sku == sku) {
            v.stock.entry(warehouse).or_default().on_hand = on_hand;
        }
        save(state, vec![product], error, || {});
    };
    let add_warehouse = move || {
        let w = new_warehouse.get_untracked().trim().to_owned();
        if w.is_empty() {
            return;
        }
        let mut settings = state.settings.get_untracked();
        if settings.warehouses.is_empty() {
            settings
                .warehouses
                .push(ui(Ui::DefaultWarehouse, Lang::Vi).to_owned());
        }
        if !settings.warehouses.contains(&w) {
            settings.warehouses.push(w);
        }
        new_warehouse.set(String::new());
        state.save_settings.dispatch(settings);
    };
    // Reads the chosen file and plans the import against the catalog (nothing is written yet).
    let plan_file = Action::new_local(move |ev: &leptos::ev::Event| {
        let ev = ev.clone();
        import.set(ImportState::Reading);
        async move {
            let bytes = match chosen_file(&ev, nobi_core::tabular::check_file_size).await {
                Ok(Some((_, bytes))) => bytes,
                Ok(None) => {
                    let l = lang.get_untracked();
                    import.set(ImportState::Failed(ui(Ui::FileUnreadable, l).into()));
                    return;
                }
                Err(too_large) => {
                    import.set(ImportState::Planned {
                        plan: Arc::new(ProductImportPlan::failed(too_large.into())),
                        catalog: Arc::new(state.catalog.get_untracked()),
                    });
                    return;
                }
            };
            let rows = file_rows(bytes).await;
            let catalog = state.catalog.get_untracked();
            let warehouse = default_warehouse(state);
            let mut id = || new_id().0;
            let plan = match rows {
                Ok(FileRows::Sheet(rows)) => {
                    plan_product_import_rows(rows, &catalog, &warehouse, &mut id)
                }
                Ok(FileRows::Csv(bytes)) => {
                    plan_product_import(&bytes, &catalog, &warehouse, &mut id)
                }
                Err(e) => ProductImportPlan::failed(e.into()),
            };
            import.set(ImportState::Planned {
                plan: Arc::new(plan),
                catalog: Arc::new(catalog),
            });
        }
    });
    let on_import_file = move |ev: leptos::ev::Event| {
        plan_file.dispatch(ev);
    };
    // Writes a planned import: products and the settings naming new warehouses, together.
    let write_import = Action::new_local(
        move |(plan, catalog, settings, l): &(
            Arc<ProductImportPlan>,
            Catalog,
            Option<nobi_core::crm::Settings>,
            Lang,
        )| {
            let (plan, catalog, settings, l) =
                (plan.clone(), catalog.clone(), settings.clone(), *l);
            async move {
                match db::import_products(&plan.products, settings).await {
                    Ok(saved) => {
                        state.catalog.set(catalog);
                        if let Some(saved) = saved {
                            state.settings.set(saved);
                        }
                        import.set(ImportState::Done {
                            created: plan.created,
                            updated: plan.updated,
                        });
                    }
                    Err(_) => import.set(ImportState::Failed(ui(Ui::SaveFailed, l).into())),
                }
            }
        },
    );
    let confirm_import = move || {
        let ImportState::Planned {
            plan,
            catalog: planned,
        } = import.get_untracked()
        else {
            return;
        };
        if !plan.is_ok() {
            return;
        }
        let l = lang.get_untracked();
        let mut catalog = state.catalog.get_untracked();
        // An order or a stock correction since the file was read: the plan's whole records
        // would undo it.
        if catalog != *planned {
            import.set(ImportState::Failed(
                ui(Ui::CatalogChangedReimport, l).into(),
            ));
            return;
        }
        plan.apply(&mut catalog);
        if let Some(e) = catalog.validate().first() {
            import.set(ImportState::Failed(e.message(l)));
            return;
        }
        let settings = (!plan.new_warehouses.is_empty()).then(|| {
            let mut settings = state.settings.get_untracked();
            if settings.warehouses.is_empty() {
                settings
                    .warehouses
                    .push(ui(Ui::DefaultWarehouse, Lang::Vi).to_owned());
            }
            for w in &plan.new_warehouses {
                if !settings.warehouses.contains(w) {
                    settings.warehouses.push(w.clone());
                }
            }
            settings
        });
        import.set(ImportState::Saving);
        write_import.dispatch((plan, catalog, settings, l));
    };
    let toggle = move |f: fn(&mut nobi_core::crm::Settings, bool), on: bool| {
        let mut settings = state.settings.get_untracked();
        f(&mut settings, on);
        state.save_settings.dispatch(settings);
    };
    let shown = move || {
        query.with(|q| {
            state.catalog.with(|c| {
                c.search_products(q, 200)
                    .into_iter()
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };

    view! {
        <section class="card" data-testid="products">
            <h3>{move || t(Ui::Products)}</h3>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="product-error">{e}</p> })}
            <input type="search" class="search" data-testid="catalog-search" placeholder=move || t(Ui::SearchProducts)
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            {move || (!adding.get()).then(|| view! {
                <button class="primary" data-testid="add-product" on:click=move |_| adding.set(true)>{t(Ui::AddProduct)}</button>
            })}
            {move || adding.get().then(|| view! {
                <div class="product-form" data-testid="product-form">
                    <label>{t(Ui::ProductName)}<input data-testid="product-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                    <table class="lines small">
                        <thead><tr><th>{t(Ui::Sku)}</th><th>{t(Ui::Size)}</th><th>{t(Ui::Colour)}</th><th>{t(Ui::Price)}</th><th>{t(Ui::Stock)}</th></tr></thead>
                        <tbody>
                            {move || variants.get().into_iter().enumerate().map(|(i, v)| {
                                let set = move |f: fn(&mut VariantInput, String), value: String| variants.update(|vs| if let Some(x) = vs.get_mut(i) { f(x, value) });
                                view! {
                                    <tr data-testid="variant-row">
                                        <td><input data-testid="variant-sku" prop:value=v.sku.clone() on:change=move |ev| set(|x, s| x.sku = s, event_target_value(&ev))/></td>
                                        <td><input data-testid="variant-size" prop:value=v.size.clone() on:change=move |ev| set(|x, s| x.size = s, event_target_value(&ev))/></td>
                                        <td><input data-testid="variant-colour" prop:value=v.colour.clone() on:change=move |ev| set(|x, s| x.colour = s, event_target_value(&ev))/></td>
                                        <td><input data-testid="variant-price" class="money" prop:value=v.price.clone() on:change=move |ev| set(|x, s| x.price = s, crate::widgets::reformat_money(&ev))/></td>
                                        <td><input data-testid="variant-stock" class="qty" inputmode="numeric" prop:value=v.stock.clone() on:change=move |ev| set(|x, s| x.stock = s, event_target_value(&ev))/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <button class="link" data-testid="add-variant" on:click=move |_| variants.update(|v| v.push(VariantInput::default()))>{t(Ui::AddVariant)}</button>
                    <div class="add-row">
                        <button class="primary" data-testid="save-product" on:click=move |_| add_product()>{t(Ui::Save)}</button>
                        <button class="link" on:click=move |_| adding.set(false)>{t(Ui::Cancel)}</button>
                    </div>
                </div>
            })}
            <ul class="rows products-list">
                {move || {
                    let warehouse = default_warehouse(state);
                    shown().into_iter().map(|p| {
                        let pid = p.id.clone();
                        view! {
                            <li class="product" data-testid="product-row">
                                <b>{p.name.clone()}</b>
                                <table class="small variants">
                                    {p.variants.iter().map(|v| {
                                        let level = v.stock.get(&warehouse).copied().unwrap_or_default();
                                        let options = [v.size.clone(), v.colour.clone()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
                                        let pid = pid.clone();
                                        let sku = v.sku.clone();
                                        view! {
                                            <tr>
                                                <td class="muted">{v.sku.clone()}</td>
                                                <td>{options}</td>
                                                <td class="money">{v.price.format()}</td>
                                                <td>
                                                    <input class="qty" data-testid="stock-input" inputmode="numeric" prop:value=level.on_hand.to_string()
                                                        on:change=move |ev| set_stock(pid.clone(), sku.clone(), event_target_value(&ev))/>
                                                </td>
                                                <td class="muted" data-testid="stock-available">{level.available()} " " {t(Ui::Available)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </table>
                            </li>
                        }
                    }).collect_view()
                }}
            </ul>
        </section>
        <section class="card" data-testid="product-import">
            <h3>{move || t(Ui::ImportProducts)}</h3>
            <p class="muted small">{move || t(Ui::ImportProductsHint)}</p>
            <input type="file" accept=".csv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                data-testid="product-import-file" on:change=on_import_file/>
            {move || match import.get() {
                ImportState::Idle => ().into_any(),
                ImportState::Reading | ImportState::Saving => view! { <p class="muted">{t(Ui::Loading)}</p> }.into_any(),
                ImportState::Failed(message) => view! { <p class="error" role="alert" data-testid="product-import-error">{message}</p> }.into_any(),
                ImportState::Done { created, updated } => view! {
                    <p class="ok" role="status" data-testid="product-import-done">
                        {t(Ui::ImportDone)} " " {created} " " {t(Ui::ImportProductsNew)} ", " {updated} " " {t(Ui::ImportProductsUpdated)} "."
                    </p>
                }.into_any(),
                ImportState::Planned { plan, .. } => import_plan_view(&plan, lang.get(), confirm_import).into_any(),
            }}
        </section>
        <section class="card" data-testid="order-settings">
            <h3>{move || t(Ui::Settings)}</h3>
            <h4>{move || t(Ui::Warehouses)}</h4>
            <ul class="rows small">
                {move || {
                    let list = state.settings.with(|s| s.warehouses.clone());
                    let list = if list.is_empty() { vec![t(Ui::DefaultWarehouse).to_owned()] } else { list };
                    list.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()
                }}
            </ul>
            <div class="add-row">
                <input data-testid="warehouse-input" placeholder=move || t(Ui::AddWarehouse) prop:value=move || new_warehouse.get()
                    on:input=move |ev| new_warehouse.set(event_target_value(&ev))
                    on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) { add_warehouse() }/>
                <button on:click=move |_| add_warehouse()>{move || t(Ui::AddWarehouse)}</button>
            </div>
            <label class="check"><input type="checkbox" data-testid="allow-negative" prop:checked=move || state.settings.with(|s| s.stock.allow_negative)
                on:change=move |ev| toggle(|s, on| s.stock.allow_negative = on, event_target_checked(&ev))/>{move || t(Ui::AllowNegativeStock)}</label>
            <label class="check"><input type="checkbox" data-testid="auto-draft" prop:checked=move || state.settings.with(|s| s.auto_draft_orders)
                on:change=move |ev| toggle(|s, on| s.auto_draft_orders = on, event_target_checked(&ev))/>{move || t(Ui::AutoDraftOrders)}</label>
        </section>
    }
}
