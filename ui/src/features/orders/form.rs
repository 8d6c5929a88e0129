//! The fast order form: lines from the catalog, the buyer's address, totals.

use super::detail::{carrier_code, carrier_of};
use super::{by, touched, warehouses};
use crate::db;
use crate::db::store::{new_id, now};
use crate::state::use_app;
use leptos::prelude::*;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::money::Vnd;
use nobi_core::order::order::{
    Carrier, Discount, Order, OrderDraft, OrderLine, Payment, PaymentMethod, Recipient, Shipping,
    ShippingPayer, Source,
};
use nobi_core::protocol::Platform;

/// One product line as the form edits it: the typed texts are parsed by `core` on every change.
#[derive(Clone, Debug, PartialEq)]
struct LineInput {
    sku: String,
    name: String,
    quantity: String,
    unit_price: String,
    discount: String,
}

impl LineInput {
    fn to_line(&self, lang: Lang) -> Result<OrderLine, String> {
        let quantity = self
            .quantity
            .trim()
            .parse::<u32>()
            .map_err(|_| match lang {
                Lang::Vi => format!("Số lượng của {} phải là số nguyên dương.", self.name),
                Lang::En => format!("The quantity of {} must be a whole number.", self.name),
            })?;
        let unit_price = Vnd::parse(&self.unit_price).map_err(|e| e.message(lang))?;
        let discount = Discount::parse(&self.discount).map_err(|e| e.message(lang))?;
        Ok(OrderLine {
            sku: self.sku.clone(),
            name: self.name.clone(),
            quantity,
            unit_price,
            discount,
        })
    }
}

#[component]
pub fn OrderForm(
    on_done: Callback<Option<Order>>,
    /// A draft made from the buyer's message (auto-created orders): its recipient is used.
    #[prop(optional)]
    draft: Option<OrderDraft>,
) -> impl IntoView {
    let state = use_app();
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let customer = state.customer.get_untracked();
    let conversation = state.conversation.get_untracked();
    let default_address = customer.as_ref().and_then(|c| c.default_address().cloned());
    let from_chat = draft.map(|d| d.recipient);
    let name = RwSignal::new(
        default_address
            .as_ref()
            .and_then(|a| a.recipient.clone())
            .or_else(|| customer.as_ref().map(|c| c.name.clone()))
            .unwrap_or_default(),
    );
    let phone = RwSignal::new(
        default_address
            .as_ref()
            .and_then(|a| a.phone.clone())
            .or_else(|| {
                customer
                    .as_ref()
                    .and_then(|c| c.primary_phone().map(str::to_owned))
            })
            .unwrap_or_default(),
    );
    let address = RwSignal::new(
        default_address
            .as_ref()
            .map(|a| a.one_line())
            .unwrap_or_default(),
    );
    if let Some(r) = from_chat {
        for (signal, value) in [(name, r.name), (phone, r.phone), (address, r.address)] {
            if !value.trim().is_empty() {
                signal.set(value);
            }
        }
    }
    let default_line = default_address.as_ref().map(|a| a.one_line());
    let default_units = default_address
        .as_ref()
        .and_then(nobi_core::order::order::AddressUnits::of_saved);
    let all_warehouses = warehouses(state);
    let warehouse = RwSignal::new(all_warehouses.first().cloned().unwrap_or_default());
    let assignee = RwSignal::new(
        conversation
            .as_ref()
            .and_then(|c| c.assignee.clone())
            .map(|a| a.0)
            .unwrap_or_default(),
    );
    let platform = conversation
        .as_ref()
        .map(|c| c.platform)
        .unwrap_or(Platform::Instagram);
    let page = conversation
        .as_ref()
        .and_then(|c| c.account.clone())
        .unwrap_or_default();
    let source_label = format!(
        "{} · {}",
        crate::widgets::format::platform_name(platform),
        page
    );
    let lines = RwSignal::new(Vec::<LineInput>::new());
    let query = RwSignal::new(String::new());
    let carrier = RwSignal::new(None::<Carrier>);
    let fee = RwSignal::new(Vnd(0).format());
    let shop_pays = RwSignal::new(false);
    let weight = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let method = RwSignal::new(PaymentMethod::Cod);
    let paid = RwSignal::new(Vnd(0).format());
    let error = RwSignal::new(None::<String>);

    let hits = move || {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        state.catalog.with(|c| c.search(&q, 8))
    };
    let add = move |sku: String| {
        let line = state
            .catalog
            .with_untracked(|c| OrderLine::from_catalog(c, &sku, 1));
        if let Some(line) = line {
            lines.update(|ls| match ls.iter_mut().find(|l| l.sku == line.sku) {
                Some(existing) => {
                    let q = existing.quantity.trim().parse::<u32>().unwrap_or(0) + 1;
                    existing.quantity = q.to_string();
                }
                None => ls.push(LineInput {
                    sku: line.sku,
                    name: line.name,
                    quantity: "1".into(),
                    unit_price: line.unit_price.format(),
                    discount: String::new(),
                }),
            });
            query.set(String::new());
        }
    };
    // The draft as typed, or the first thing that is wrong with it.
    let draft = move || -> Result<OrderDraft, String> {
        let l = lang.get();
        let order_lines = lines.with(|ls| {
            ls.iter()
                .map(|x| x.to_line(l))
                .collect::<Result<Vec<_>, _>>()
        })?;
        let shipping = Shipping {
            carrier: carrier.get(),
            fee: Vnd::parse(&fee.get()).map_err(|e| e.message(l))?,
            payer: if shop_pays.get() {
                ShippingPayer::Shop
            } else {
                ShippingPayer::Buyer
            },
            // Blank: the catalog's weight of the lines.
            weight_grams: match weight.get().trim().parse() {
                Ok(w) => w,
                Err(_) => state.catalog.with(|c| {
                    c.weight_grams(order_lines.iter().map(|l| (l.sku.as_str(), l.quantity)))
                        .map_or(0, |g| u32::try_from(g).unwrap_or(u32::MAX))
                }),
            },
            note: note.get(),
            tracking_code: None,
        };
        let payment = Payment {
            method: method.get(),
            paid: Vnd::parse(&paid.get()).map_err(|e| e.message(l))?,
        };
        Ok(OrderDraft {
            source: Source {
                platform,
                page: page.clone(),
            },
            warehouse: warehouse.get(),
            assignee: Some(assignee.get()).filter(|a| !a.is_empty()),
            customer_id: state.customer.with(|c| c.as_ref().map(|c| c.id.0.clone())),
            recipient: Recipient {
                name: name.get().trim().to_owned(),
                phone: phone.get().trim().to_owned(),
                address: address.get().trim().to_owned(),
                // The units the address form resolved, while the text is still that address's.
                units: default_units
                    .clone()
                    .filter(|_| Some(address.get().trim().to_owned()) == default_line),
            },
            lines: order_lines,
            shipping,
            payment,
            note: String::new(),
        })
    };
    let draft2 = draft.clone();
    let totals = move || {
        let d = draft2().ok()?;
        nobi_core::order::order::totals(&d.lines, &d.shipping, &d.payment).ok()
    };
    // Writes the new order and the stock it reserved, then hands it back to the section.
    let write = Action::new_local(move |(order, catalog, products, _): &super::OrderWrite| {
        let (mut order, catalog, products) = (order.clone(), catalog.clone(), products.clone());
        let l = lang.get_untracked();
        async move {
            match db::save_order(&mut order, &products, None).await {
                Ok(()) => {
                    state.catalog.set(catalog);
                    on_done.try_run(Some(order));
                }
                Err(_) => error.set(Some(ui(Ui::SaveFailed, l).into())),
            }
        }
    });
    // The stored catalog is being read for an order (a second press waits for it).
    let reading = RwSignal::new(false);
    let create = move || {
        if write.pending().get_untracked() {
            return; // one order per click, even with Ctrl+Enter pressed twice
        }
        let l = lang.get_untracked();
        let d = match untrack(&draft) {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        if reading.get_untracked() {
            return;
        }
        reading.set(true);
        leptos::task::spawn_local(async move {
            let before = super::fresh_catalog(state).await;
            reading.set(false);
            let mut catalog = before.clone();
            let settings = state.settings.with_untracked(|s| s.stock);
            let order =
                match Order::create(d, new_id().0, now(), &by(state), &mut catalog, settings) {
                    Ok(o) => o,
                    Err(e) => {
                        error.set(Some(e.message(l)));
                        return;
                    }
                };
            let products = touched(&before, &catalog);
            write.dispatch((order, catalog, products, None));
        });
    };
    let create2 = create.clone();

    view! {
        <div class="order-form" data-testid="order-form"
            on:keydown=move |ev| if crate::widgets::is_send_shortcut(&ev) { ev.prevent_default(); create2() }>
            <button class="link" on:click=move |_| on_done.run(None)>{move || t(Ui::Back)}</button>
            <h4>"1. " {move || t(Ui::Recipient)}</h4>
            <div class="grid2">
                <label>{move || t(Ui::RecipientName)}<input data-testid="recipient-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
                <label>{move || t(Ui::RecipientPhone)}<input data-testid="recipient-phone" inputmode="tel" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/></label>
            </div>
            <label>{move || t(Ui::RecipientAddress)}<textarea data-testid="recipient-address" rows="2" prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev))></textarea></label>
            <h4>"2. " {move || t(Ui::RequiredFields)}</h4>
            <div class="grid2">
                <label>{move || t(Ui::OrderSource)}<input disabled prop:value=source_label/></label>
                <label>{move || t(Ui::Warehouse)}
                    <select data-testid="order-form-warehouse" on:change=move |ev| warehouse.set(event_target_value(&ev))>
                        {all_warehouses.into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || t(Ui::Assignee)}
                    <select data-testid="order-form-assignee" prop:value=move || assignee.get() on:change=move |ev| assignee.set(event_target_value(&ev))>
                        <option value="">{move || t(Ui::Unassigned)}</option>
                        {move || state.staff.get().into_iter().map(|m| view! { <option value=m.name.clone()>{m.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <h4>"3. " {move || t(Ui::Products)}</h4>
            <input data-testid="product-search" placeholder=move || t(Ui::SearchProducts)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev| if crate::widgets::is_plain_enter(&ev) {
                    ev.prevent_default();
                    if let Some(first) = hits().into_iter().next() { add(first.sku) }
                }/>
            <ul class="rows hits">
                {move || {
                    let found = hits();
                    if found.is_empty() && !query.get().trim().is_empty() {
                        let key = if state.catalog.with(|c| c.products.is_empty()) { Ui::NoProductsYet } else { Ui::NoProductMatch };
                        return view! { <li class="muted small">{t(key)}</li> }.into_any();
                    }
                    found.into_iter().map(|h| {
                        let sku = h.sku.clone();
                        view! {
                            <li><button class="chip" data-testid="product-hit" on:click=move |_| add(sku.clone())>
                                {h.name.clone()} " · " {h.sku.clone()} " · " {h.price.format()}
                            </button></li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            <table class="lines small">
                <tbody>
                {move || lines.get().into_iter().enumerate().map(|(i, l)| {
                    let set = move |f: fn(&mut LineInput, String), v: String| lines.update(|ls| if let Some(x) = ls.get_mut(i) { f(x, v) });
                    view! {
                        <tr data-testid="order-line">
                            <td>{l.name.clone()}</td>
                            <td><input class="qty" data-testid="line-qty" inputmode="numeric" prop:value=l.quantity.clone()
                                on:change=move |ev| set(|x, v| x.quantity = v, event_target_value(&ev))/></td>
                            <td><input class="money" data-testid="line-price" aria-label=t(Ui::UnitPrice) prop:value=l.unit_price.clone()
                                on:change=move |ev| set(|x, v| x.unit_price = v, crate::widgets::reformat_money(&ev))/></td>
                            <td><input class="money" data-testid="line-discount" placeholder=t(Ui::LineDiscount) prop:value=l.discount.clone()
                                on:change=move |ev| set(|x, v| x.discount = v, crate::widgets::reformat_money(&ev))/></td>
                            <td><button class="icon" on:click=move |_| lines.update(|ls| { if i < ls.len() { ls.remove(i); } })>"×"</button></td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
            <h4>"4. " {move || t(Ui::ShippingSection)}</h4>
            <div class="grid2">
                <label>{move || t(Ui::Carrier)}
                    <select data-testid="order-carrier" on:change=move |ev| carrier.set(carrier_of(&event_target_value(&ev)))>
                        <option value="">{move || t(Ui::ChooseCarrier)}</option>
                        {Carrier::ALL.into_iter().map(|c| view! { <option value=carrier_code(c)>{move || c.label(lang.get())}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || t(Ui::ShippingFee)}<input data-testid="order-fee" class="money" prop:value=move || fee.get() on:change=move |ev| fee.set(crate::widgets::reformat_money(&ev))/></label>
                <label>{move || t(Ui::WeightGrams)}<input inputmode="numeric" prop:value=move || weight.get() on:change=move |ev| weight.set(event_target_value(&ev))/></label>
                <label class="check"><input type="checkbox" data-testid="order-shop-pays" prop:checked=move || shop_pays.get() on:change=move |ev| shop_pays.set(event_target_checked(&ev))/>{move || t(Ui::PayerShop)}</label>
            </div>
            <label>{move || t(Ui::ShippingNote)}<input prop:value=move || note.get() on:change=move |ev| note.set(event_target_value(&ev))/></label>
            <h4>"5. " {move || t(Ui::PaymentSection)}</h4>
            <div class="grid2">
                <select data-testid="order-payment" on:change=move |ev| method.set(match event_target_value(&ev).as_str() {
                    "transfer" => PaymentMethod::BankTransfer,
                    "deposit" => PaymentMethod::Deposit,
                    _ => PaymentMethod::Cod,
                })>
                    <option value="cod">{move || t(Ui::PayCod)}</option>
                    <option value="transfer">{move || t(Ui::PayTransfer)}</option>
                    <option value="deposit">{move || t(Ui::PayDeposit)}</option>
                </select>
                <label>{move || t(Ui::Paid)}<input data-testid="order-paid" class="money" prop:value=move || paid.get() on:change=move |ev| paid.set(crate::widgets::reformat_money(&ev))/></label>
            </div>
            <h4>"6. " {move || t(Ui::Total)}</h4>
            {move || totals().map(|tt| view! {
                <table class="totals small" data-testid="order-totals">
                    <tr><td>{t(Ui::Subtotal)}</td><td class="money">{tt.subtotal.format()}</td></tr>
                    <tr><td>{t(Ui::DiscountTotal)}</td><td class="money">"− " {tt.discounts.format()}</td></tr>
                    <tr><td>{t(Ui::ShippingFee)}</td><td class="money">{tt.shipping_charged.format()}</td></tr>
                    <tr class="grand"><td>{t(Ui::Total)}</td><td class="money" data-testid="form-total">{tt.total.format()}</td></tr>
                    <tr><td>{t(Ui::Cod)}</td><td class="money" data-testid="form-cod">{tt.cod.format()}</td></tr>
                    {(tt.overpaid.0 > 0).then(|| view! { <tr><td>{t(Ui::Overpaid)}</td><td class="money">{tt.overpaid.format()}</td></tr> })}
                </table>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="order-form-error">{e}</p> })}
            <button class="primary" data-testid="create-order-submit" disabled=move || write.pending().get() on:click=move |_| create()>{move || t(Ui::CreateOrderAction)}</button>
        </div>
    }
}
