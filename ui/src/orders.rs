//! Orders in the card: this customer's orders and those of other customers with the same phone,
//! an order's detail (status, cancel, shipping, warehouse, summary to the buyer, history), and
//! the order form (the seeds' six steps on one screen).
//!
//! Every rule lives in `nobi_core::order` (money in integer VND, totals, transitions, stock);
//! this file only collects input, calls it on a copy of the order and the catalog, and writes
//! the order with the products whose stock changed in one transaction.

use crate::card::{format_time, CardState};
use crate::crm;
use crate::store::{new_id, now};
use leptos::prelude::*;
use leptos::task::spawn_local;
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::catalog::{Catalog, Product};
use nobi_core::order::money::Vnd;
use nobi_core::order::order::{
    Carrier, Change, Discount, Order, OrderDraft, OrderLine, OrderStatus, Payment, PaymentMethod,
    Recipient, Shipping, ShippingPayer, Source,
};
use nobi_core::order::summary::summary_text;
use nobi_core::protocol::{PanelToBackground, Platform, ThreadRef};

/// Who is recorded in an order's history: the staff member using this browser, else "agent".
fn by(state: CardState) -> String {
    let me = state.settings.with_untracked(|s| s.me.clone());
    me.and_then(|id| {
        state
            .staff
            .with_untracked(|s| s.iter().find(|m| m.id == id).map(|m| m.name.clone()))
    })
    .unwrap_or_else(|| "agent".to_owned())
}

/// The products of `after` that differ from `before` (their stock moved).
fn touched(before: &Catalog, after: &Catalog) -> Vec<Product> {
    after
        .products
        .iter()
        .filter(|p| !before.products.contains(p))
        .cloned()
        .collect()
}

/// The warehouses to offer: the shop's, or one default.
fn warehouses(state: CardState) -> Vec<String> {
    let list = state.settings.with(|s| s.warehouses.clone());
    if list.is_empty() {
        vec![ui(Ui::DefaultWarehouse, Lang::Vi).to_owned()]
    } else {
        list
    }
}

fn status_class(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Cancelled | OrderStatus::Returned => "badge bad",
        OrderStatus::Delivered => "badge primary",
        _ => "badge",
    }
}

/// Applies a change to a copy of the order and catalog; on success writes both and updates the
/// signals, on failure shows the translated reason and changes nothing.
fn apply(
    state: CardState,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
    order: Order,
    change: impl FnOnce(&mut Order, &mut Catalog) -> Result<(), String> + 'static,
) {
    let before = state.catalog.get_untracked();
    let mut catalog = before.clone();
    let mut changed = order;
    if let Err(e) = change(&mut changed, &mut catalog) {
        error.set(Some(e));
        return;
    }
    let products = touched(&before, &catalog);
    spawn_local(async move {
        match crm::save_order(&mut changed, &products).await {
            Ok(()) => {
                error.set(None);
                state.catalog.set(catalog);
                orders.update(|list| {
                    if let Some(slot) = list.iter_mut().find(|o| o.id == changed.id) {
                        *slot = changed;
                    } else {
                        list.insert(0, changed);
                    }
                });
            }
            Err(_) => error.set(Some(ui(Ui::SaveFailed, state.lang.get_untracked()).into())),
        }
    });
}

#[component]
pub fn OrdersSection(state: CardState) -> impl IntoView {
    let t = move |key: Ui| ui(key, state.lang.get());
    let orders = RwSignal::new(Vec::<Order>::new());
    let others = RwSignal::new(Vec::<Order>::new());
    let open = RwSignal::new(None::<String>);
    let creating = RwSignal::new(false);
    let from_chat = RwSignal::new(None::<OrderDraft>);
    // Auto-created drafts: when the setting is on, the buyer's last message with a phone or an
    // order keyword prefills an order for the agent to check; nothing is stored until "create".
    let auto_draft = Memo::new(move |_| {
        if !state.settings.with(|s| s.auto_draft_orders) {
            return None;
        }
        let message = state.buyer_messages.with(|m| m.last().cloned())?;
        let customer = state.customer.get();
        let conversation = state.conversation.get()?;
        let source = Source {
            platform: conversation.platform,
            page: conversation.account.clone().unwrap_or_default(),
        };
        let warehouse = warehouses(state).into_iter().next().unwrap_or_default();
        nobi_core::order::auto_draft(
            &message,
            nobi_core::order::DEFAULT_ORDER_KEYWORDS,
            customer.as_ref(),
            source,
            &warehouse,
        )
    });
    let error = RwSignal::new(None::<String>);
    // Reload when the customer changes (another conversation, a merge).
    let customer_key = Memo::new(move |_| {
        state
            .customer
            .with(|c| c.as_ref().map(|c| (c.id.clone(), c.phone_keys.clone())))
    });
    Effect::new(move |_| {
        let Some((id, phones)) = customer_key.get() else {
            return;
        };
        spawn_local(async move {
            orders.set(crm::orders_of(&id).await.unwrap_or_default());
            others.set(
                crm::orders_by_phones(&phones, &id)
                    .await
                    .unwrap_or_default(),
            );
        });
    });
    let row = move |order: Order| {
        let lang = state.lang.get();
        let total = order.totals().map(|t| t.total.format()).unwrap_or_default();
        let id = order.id.clone();
        let code = nobi_core::order::summary::order_code(&order.id);
        view! {
            <li data-testid="order-row" class="order-row" on:click=move |_| open.set(Some(id.clone()))>
                <b>"#" {code}</b>
                <span class=status_class(order.status) data-testid="order-status">{order.status.label(lang)}</span>
                <span class="money">{total}</span>
                <span class="muted small">{format_time(order.created_at)}</span>
            </li>
        }
    };
    view! {
        <section class="card" data-testid="orders">
            <h3>{move || t(Ui::Orders)}</h3>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="order-error">{e}</p> })}
            {move || {
                if creating.get() {
                    let on_done = Callback::new(move |created: Option<Order>| {
                        creating.set(false);
                        from_chat.set(None);
                        if let Some(order) = created {
                            orders.update(|list| list.insert(0, order));
                        }
                    });
                    return crate::split::loaded(state.lang, crate::split::order_form(state, on_done, from_chat.get_untracked())).into_any();
                }
                if let Some(id) = open.get() {
                    let order = orders.with(|l| l.iter().find(|o| o.id == id).cloned())
                        .or_else(|| others.with(|l| l.iter().find(|o| o.id == id).cloned()));
                    if let Some(order) = order {
                        let on_close = Callback::new(move |()| open.set(None));
                        return crate::split::loaded(state.lang, crate::split::order_detail(state, order, orders, error, on_close)).into_any();
                    }
                }
                let mine = orders.get();
                let theirs = others.get();
                view! {
                    {move || {
                        let pending = orders.with(|l| l.iter().any(|o| o.status == OrderStatus::New));
                        auto_draft.get().filter(|_| !pending).map(|draft| view! {
                            <button class="chip add" data-testid="auto-draft-order" on:click=move |_| {
                                from_chat.set(Some(draft.clone()));
                                creating.set(true);
                            }>{t(Ui::DraftFromChat)}</button>
                        })
                    }}
                    <button class="primary" data-testid="create-order" on:click=move |_| creating.set(true)>{t(Ui::CreateOrder)}</button>
                    {mine.is_empty().then(|| view! { <p class="muted small">{t(Ui::OrdersEmpty)}</p> })}
                    <ul class="rows orders">{mine.into_iter().map(row).collect_view()}</ul>
                    {(!theirs.is_empty()).then(|| view! {
                        <h4>{t(Ui::SamePhoneOrders)}</h4>
                        <ul class="rows orders" data-testid="same-phone-orders">
                            {theirs.into_iter().map(|o| {
                                let name = o.recipient.name.clone();
                                view! { <div class="muted small">{name}</div> {row(o)} }
                            }).collect_view()}
                        </ul>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
pub fn OrderDetail(
    state: CardState,
    order: Order,
    orders: RwSignal<Vec<Order>>,
    error: RwSignal<Option<String>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let lang = state.lang;
    let t = move |key: Ui| ui(key, lang.get());
    let id = order.id.clone();
    // The current version of this order (changes replace it in `orders`).
    let current = Memo::new(move |_| orders.with(|l| l.iter().find(|o| o.id == id).cloned()));
    let fallback = order.clone();
    let get = move || current.get().unwrap_or_else(|| fallback.clone());
    let cancel_reason = RwSignal::new(String::new());
    let tracking = RwSignal::new(order.shipping.tracking_code.clone().unwrap_or_default());
    let fee = RwSignal::new(order.shipping.fee.format());
    let carrier = RwSignal::new(order.shipping.carrier);
    let summary_state = RwSignal::new(None::<String>);
    let editing_recipient = RwSignal::new(false);
    let r_name = RwSignal::new(order.recipient.name.clone());
    let r_phone = RwSignal::new(order.recipient.phone.clone());
    let r_address = RwSignal::new(order.recipient.address.clone());
    let get_r = get.clone();
    let save_recipient = Callback::new(move |()| {
        let by = by(state);
        let lang = lang.get_untracked();
        let (name, phone, address) = (
            r_name.get_untracked(),
            r_phone.get_untracked(),
            r_address.get_untracked(),
        );
        editing_recipient.set(false);
        apply(state, orders, error, get_r(), move |o, _| {
            let mut recipient = o.recipient.clone();
            if recipient.address.trim() != address.trim() {
                recipient.units = None; // the resolved units were those of the old text
            }
            recipient.name = name.trim().to_owned();
            recipient.phone = phone.trim().to_owned();
            recipient.address = address.trim().to_owned();
            o.set_recipient(recipient, now(), &by)
                .map_err(|e| e.message(lang))
        });
    });
    let get2 = get.clone();
    let get3 = get.clone();
    let get4 = get.clone();
    let get5 = get.clone();
    let get6 = get.clone();
    let get7 = get.clone();

    let set_status = Callback::new(move |to: OrderStatus| {
        let by = by(state);
        let lang = lang.get_untracked();
        apply(state, orders, error, get2(), move |o, catalog| {
            o.set_status(to, now(), &by, catalog)
                .map_err(|e| e.message(lang))
        });
    });
    let cancel = Callback::new(move |()| {
        let reason = cancel_reason.get_untracked();
        let by = by(state);
        let lang = lang.get_untracked();
        apply(state, orders, error, get3(), move |o, catalog| {
            o.cancel(&reason, now(), &by, catalog)
                .map_err(|e| e.message(lang))
        });
    });
    let save_shipping = move || {
        let lang = lang.get_untracked();
        let fee = match Vnd::parse(&fee.get_untracked()) {
            Ok(v) => v,
            Err(e) => {
                error.set(Some(e.message(lang)));
                return;
            }
        };
        let by = by(state);
        let code = tracking.get_untracked().trim().to_owned();
        let carrier = carrier.get_untracked();
        apply(state, orders, error, get4(), move |o, _| {
            let shipping = Shipping {
                carrier,
                fee,
                tracking_code: (!code.is_empty()).then_some(code),
                ..o.shipping.clone()
            };
            o.set_shipping(shipping, now(), &by)
                .map_err(|e| e.message(lang))
        });
    };
    let set_warehouse = Callback::new(move |warehouse: String| {
        let by = by(state);
        let lang = lang.get_untracked();
        let stock = state.settings.with_untracked(|s| s.stock);
        apply(state, orders, error, get5(), move |o, catalog| {
            o.set_warehouse(&warehouse, now(), &by, catalog, stock)
                .map_err(|e| e.message(lang))
        });
    });
    let delete = Callback::new(move |()| {
        let order = get6();
        if !matches!(order.status, OrderStatus::New | OrderStatus::Cancelled) {
            return;
        }
        let before = state.catalog.get_untracked();
        let mut catalog = before.clone();
        if let Some(r) = &order.reservation {
            if let Err(e) = nobi_core::order::stock::release(&mut catalog, r) {
                error.set(Some(e.message(lang.get_untracked())));
                return;
            }
        }
        let products = touched(&before, &catalog);
        spawn_local(async move {
            match crm::delete_order(&order, &products).await {
                Ok(()) => {
                    state.catalog.set(catalog);
                    orders.update(|l| l.retain(|o| o.id != order.id));
                    on_close.run(());
                }
                Err(_) => error.set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into())),
            }
        });
    });
    let summary = move || summary_text(&get7(), lang.get_untracked()).ok();
    // The summary goes through the outbox like any message; its state is shown here.
    let summary_id = RwSignal::new(None::<String>);
    let send_summary = {
        let summary = summary.clone();
        move || {
            let Some(text) = summary() else { return };
            let Some((to, account)) = state.conversation.with_untracked(|c| {
                c.as_ref().map(|c| {
                    (
                        ThreadRef {
                            platform: c.platform,
                            thread_id: c.thread_id.clone(),
                        },
                        c.account.clone(),
                    )
                })
            }) else {
                return;
            };
            let id = new_id().0;
            let item = nobi_core::outbox::NewItem {
                id: id.clone(),
                to,
                account,
                text,
                attachments: Vec::new(),
                not_before: None,
            };
            summary_state.set(None);
            spawn_local(async move {
                let request = PanelToBackground::Enqueue {
                    item,
                    files: Vec::new(),
                };
                if crate::composer::ask_outbox(request, state.outbox).await {
                    summary_id.set(Some(id));
                } else {
                    summary_state.set(Some(
                        ui(Ui::WorkerUnreachable, lang.get_untracked()).to_owned(),
                    ));
                }
            });
        }
    };
    let summary_progress = move || {
        let id = summary_id.get()?;
        state.outbox.with(|o| {
            o.items.iter().find(|i| i.id == id).map(|i| match &i.state {
                nobi_core::outbox::ItemState::Sent { .. } => ui(Ui::Sent, lang.get()).to_owned(),
                nobi_core::outbox::ItemState::Failed { reason, .. } => {
                    nobi_core::i18n::fail_reason(*reason, lang.get()).to_owned()
                }
                _ => ui(Ui::Sending, lang.get()).to_owned(),
            })
        })
    };
    let copy_summary = move || {
        let Some(text) = summary() else { return };
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
            summary_state.set(Some(ui(Ui::Copied, lang.get_untracked()).to_owned()));
        }
    };
    let history_label = move |change: &Change| -> String {
        let l = lang.get();
        match change {
            Change::Created => ui(Ui::HistCreated, l).to_owned(),
            Change::Status { from, to } => format!(
                "{}: {} → {}",
                ui(Ui::HistStatus, l),
                from.label(l),
                to.label(l)
            ),
            Change::Cancelled { reason, .. } => format!("{}: {reason}", ui(Ui::HistCancelled, l)),
            Change::Lines { .. } => ui(Ui::HistLines, l).to_owned(),
            Change::Recipient { .. } => ui(Ui::HistRecipient, l).to_owned(),
            Change::Shipping { before, after } => format!(
                "{}: {} → {}",
                ui(Ui::HistShipping, l),
                before.fee.format(),
                after.fee.format()
            ),
            Change::Payment { .. } => ui(Ui::HistPayment, l).to_owned(),
            Change::Warehouse { from, to } => {
                format!("{}: {from} → {to}", ui(Ui::HistWarehouse, l))
            }
        }
    };
    let get_view = get.clone();
    view! {
        <div class="order-detail" data-testid="order-detail">
            <button class="link" data-testid="order-back" on:click=move |_| on_close.run(())>{move || t(Ui::Back)}</button>
            {move || {
                let o = get_view();
                let l = lang.get();
                let totals = o.totals().ok();
                let status = o.status;
                view! {
                    <h4>"#" {nobi_core::order::summary::order_code(&o.id)} " "
                        <span class=status_class(status) data-testid="order-detail-status">{status.label(l)}</span>
                    </h4>
                    <ul class="rows small">
                        {o.lines.iter().map(|line| view! {
                            <li>{line.name.clone()} " × " {line.quantity} " · " {line.unit_price.format()}</li>
                        }).collect_view()}
                    </ul>
                    {totals.map(|tt| view! {
                        <p class="totals small">
                            {t(Ui::Total)} ": " <b data-testid="order-total">{tt.total.format()}</b>
                            " · " {t(Ui::Cod)} ": " {tt.cod.format()}
                        </p>
                    })}
                    <p class="small" data-testid="order-recipient">{o.recipient.name.clone()} " · " {nobi_core::phone::display(&o.recipient.phone)} " · " {o.recipient.address.clone()}
                        {nobi_core::order::order::Edit::Recipient.allowed_in(status).then(|| view! {
                            " " <button class="link" data-testid="edit-recipient" on:click=move |_| editing_recipient.update(|e| *e = !*e)>{t(Ui::Edit)}</button>
                        })}
                    </p>
                    <p class="small muted">{t(Ui::Warehouse)} ": " {o.warehouse.clone()}</p>
                    <div class="status-actions">
                        {status.next().iter().copied().filter(|s| *s != OrderStatus::Cancelled).map(|to| view! {
                            <button data-testid="order-next-status" on:click=move |_| set_status.run(to)>
                                {move || t(Ui::ChangeStatus)} " " {move || to.label(lang.get())}
                            </button>
                        }).collect_view()}
                    </div>
                    {status.next().contains(&OrderStatus::Cancelled).then(|| view! {
                        <div class="add-row">
                            <input data-testid="cancel-reason" placeholder=t(Ui::CancelReason)
                                prop:value=move || cancel_reason.get()
                                on:input=move |ev| cancel_reason.set(event_target_value(&ev))/>
                            <button data-testid="cancel-order" on:click=move |_| cancel.run(())>{t(Ui::CancelOrder)}</button>
                        </div>
                    })}
                    {nobi_core::order::order::Edit::Warehouse.allowed_in(status).then(|| view! {
                        <label>{t(Ui::Warehouse)}
                            <select data-testid="order-warehouse" on:change=move |ev| set_warehouse.run(event_target_value(&ev))>
                                {warehouses(state).into_iter().map(|w| {
                                    let selected = w == o.warehouse;
                                    view! { <option value=w.clone() selected=selected>{w.clone()}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    {matches!(status, OrderStatus::New | OrderStatus::Cancelled).then(|| view! {
                        <button class="link danger" data-testid="delete-order" on:click=move |_| delete.run(())>{t(Ui::DeleteOrder)}</button>
                    })}
                }
            }}
            {move || editing_recipient.get().then(|| view! {
                <div class="grid2" data-testid="recipient-form">
                    <label>{t(Ui::RecipientName)}<input prop:value=move || r_name.get() on:input=move |ev| r_name.set(event_target_value(&ev))/></label>
                    <label>{t(Ui::RecipientPhone)}<input prop:value=move || r_phone.get() on:input=move |ev| r_phone.set(event_target_value(&ev))/></label>
                </div>
                <label>{t(Ui::RecipientAddress)}<textarea rows="2" prop:value=move || r_address.get() on:input=move |ev| r_address.set(event_target_value(&ev))></textarea></label>
                <button data-testid="save-recipient" on:click=move |_| save_recipient.run(())>{t(Ui::Save)}</button>
            })}
            <h4>{move || t(Ui::ShippingSection)}</h4>
            <div class="grid2">
                <label>{move || t(Ui::Carrier)}
                    <select data-testid="detail-carrier" on:change=move |ev| carrier.set(carrier_of(&event_target_value(&ev)))>
                        <option value="">{move || t(Ui::ChooseCarrier)}</option>
                        {Carrier::ALL.into_iter().map(|c| view! {
                            <option value=carrier_code(c) selected=move || carrier.get() == Some(c)>{move || c.label(lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t(Ui::ShippingFee)}
                    <input data-testid="detail-fee" class="money" prop:value=move || fee.get() on:input=move |ev| fee.set(event_target_value(&ev)) on:change=move |ev| fee.set(crate::widgets::reformat_money(&ev))/>
                </label>
                <label>{move || t(Ui::Tracking)}
                    <input data-testid="detail-tracking" prop:value=move || tracking.get() on:input=move |ev| tracking.set(event_target_value(&ev))/>
                </label>
            </div>
            <button data-testid="save-shipping" on:click=move |_| save_shipping()>{move || t(Ui::SaveShipping)}</button>
            <div class="add-row">
                {
                    let has_thread = move || state.conversation.with(|c| c.is_some());
                    let send = send_summary.clone();
                    view! {
                        <button data-testid="send-summary" disabled=move || !has_thread() on:click=move |_| send()>{move || t(Ui::SendSummary)}</button>
                    }
                }
                <button data-testid="copy-summary" on:click=move |_| copy_summary()>{move || t(Ui::CopySummary)}</button>
                <span class="status small" data-testid="summary-status">{move || summary_state.get().or_else(summary_progress)}</span>
            </div>
            <h4>{move || t(Ui::OrderHistory)}</h4>
            <ul class="history" data-testid="order-history">
                {move || get.clone()().history.iter().rev().map(|h| view! {
                    <li><span class="muted">{format_time(h.at)}</span> " " {history_label(&h.change)} " · " {h.by.clone()}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}

fn carrier_code(c: Carrier) -> &'static str {
    match c {
        Carrier::Ghtk => "ghtk",
        Carrier::Ghn => "ghn",
        Carrier::ViettelPost => "viettel_post",
        Carrier::JAndT => "j_and_t",
        Carrier::Spx => "spx",
        Carrier::NinjaVan => "ninja_van",
        Carrier::VnPost => "vn_post",
        Carrier::Best => "best",
        Carrier::AhaMove => "aha_move",
        Carrier::SelfDelivery => "self_delivery",
    }
}

fn carrier_of(code: &str) -> Option<Carrier> {
    Carrier::ALL.into_iter().find(|c| carrier_code(*c) == code)
}

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
    state: CardState,
    on_done: Callback<Option<Order>>,
    /// A draft made from the buyer's message (auto-created orders): its recipient is used.
    #[prop(optional)]
    draft: Option<OrderDraft>,
) -> impl IntoView {
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
    let source_label = format!("{} · {}", crate::card::platform_name(platform), page);
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
    let create = move || {
        let l = lang.get_untracked();
        let d = match untrack(&draft) {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let before = state.catalog.get_untracked();
        let mut catalog = before.clone();
        let settings = state.settings.with_untracked(|s| s.stock);
        let mut order =
            match Order::create(d, new_id().0, now(), &by(state), &mut catalog, settings) {
                Ok(o) => o,
                Err(e) => {
                    error.set(Some(e.message(l)));
                    return;
                }
            };
        let products = touched(&before, &catalog);
        spawn_local(async move {
            match crm::save_order(&mut order, &products).await {
                Ok(()) => {
                    state.catalog.set(catalog);
                    on_done.run(Some(order));
                }
                Err(_) => error.set(Some(ui(Ui::SaveFailed, l).into())),
            }
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
            <button class="primary" data-testid="create-order-submit" on:click=move |_| create()>{move || t(Ui::CreateOrderAction)}</button>
        </div>
    }
}
