//! The panel's state, provided once as context by [`crate::app::App`] and read by every screen
//! through [`use_app`]: no screen receives it as a prop, and no screen owns a piece of it that
//! another screen needs.
//!
//! What lives here is what more than one feature reads: the open customer and conversation, the
//! shop's lists (tags, staff, catalog, templates, settings), the worker's outbox, the language
//! and the tab. A feature's own state (a form's fields, a filter) stays in the feature.
//!
//! Invariant: the customer shown is what is stored. Every edit goes through [`AppState::edit`],
//! whose [`Action`] writes first and sets the signals only once the write succeeded; a failed
//! write leaves the signals as they were and sets [`AppState::error`].

use crate::db;
use leptos::prelude::*;
use nobi_core::crm::{
    ConversationRecord, Customer, HistoryEntry, HistoryKind, Settings, Staff, Tag,
};
use nobi_core::i18n::{ui, Lang, Ui};
use nobi_core::order::catalog::Catalog;
use nobi_core::outbox::OutboxItem;
use nobi_core::protocol::{
    BackgroundToPanel, Conversation, Engine, PanelToBackground, PausedAccount, ThreadRef,
};
use nobi_core::template::Template;

/// The panel's tabs, in the order of the navigation (Alt+1 … Alt+5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Customer,
    List,
    Campaigns,
    Products,
    Templates,
    Data,
}

/// The outbox as the worker last reported it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxView {
    pub items: Vec<OutboxItem>,
    pub paused: Vec<PausedAccount>,
    pub settings: nobi_core::outbox::Settings,
    pub damaged: Option<nobi_core::protocol::OutboxDamage>,
    /// Accounts held by the budget the shop's agents share (team server).
    pub team_waits: Vec<(nobi_core::outbox::AccountKey, nobi_core::outbox::TeamWait)>,
}

impl OutboxView {
    /// Returns the view if and only if `reply` is an outbox report.
    pub fn from_reply(reply: &BackgroundToPanel) -> Option<OutboxView> {
        match reply {
            BackgroundToPanel::Outbox {
                items,
                paused,
                settings,
                damaged,
                team_waits,
            } => Some(OutboxView {
                items: items.clone(),
                paused: paused.clone(),
                settings: settings.clone(),
                damaged: damaged.clone(),
                team_waits: team_waits.clone(),
            }),
            _ => None,
        }
    }
}

/// Asks the worker; an outbox reply updates `outbox`. Returns false if the worker did not answer
/// with the outbox.
pub async fn ask_outbox(request: PanelToBackground, outbox: RwSignal<OutboxView>) -> bool {
    match crate::chrome::ask(&request).await {
        Ok(reply) => match OutboxView::from_reply(&reply) {
            Some(view) => {
                outbox.set(view);
                true
            }
            None => false,
        },
        Err(_) => false,
    }
}

/// The open customer's edits not yet in the store (see [`AppState::edit`]).
#[derive(Default)]
pub struct Pending {
    /// Per customer, in the order first edited: the latest edited copy (and conversation) and
    /// the history entries of its edits, to write next. A customer switched away from keeps
    /// its place: its edits are written all the same.
    queue: Vec<(Customer, Option<ConversationRecord>, Vec<HistoryEntry>)>,
    /// A write is in flight; the edits made meanwhile are written when it lands.
    saving: bool,
}

/// The state every screen shares: `Copy` handles (signals, one action), so closures take it
/// freely.
#[derive(Clone, Copy)]
pub struct AppState {
    pub lang: RwSignal<Lang>,
    pub tab: RwSignal<Tab>,
    /// The conversation the page of this panel's window shows, as the worker reported it.
    pub seen: RwSignal<Option<Conversation>>,
    /// Which build of the content script runs in that page.
    pub engine: RwSignal<Option<Engine>>,
    pub customer: RwSignal<Option<Customer>>,
    pub conversation: RwSignal<Option<ConversationRecord>>,
    pub tags: RwSignal<Vec<Tag>>,
    pub staff: RwSignal<Vec<Staff>>,
    pub history: RwSignal<Vec<HistoryEntry>>,
    /// The last save error, shown above the card until the next successful save.
    pub error: RwSignal<Option<String>>,
    /// Texts of the buyer's messages read from the page (phones and addresses are offered from them).
    pub buyer_messages: RwSignal<Vec<String>>,
    /// The product catalog (orders reserve its stock).
    pub catalog: RwSignal<Catalog>,
    pub settings: RwSignal<Settings>,
    pub templates: RwSignal<Vec<Template>>,
    /// The worker's outbox, as last reported.
    pub outbox: RwSignal<OutboxView>,
    /// Team sync as the service worker last reported it (None: not asked yet, or never
    /// connected). Kept up to date by `features::team::TeamWatch`.
    pub team: RwSignal<Option<nobi_core::sync::SyncView>>,
    /// Counts writes of orders announced by other contexts (team sync, another panel): the
    /// orders card reloads when it moves.
    pub orders_heard: RwSignal<u32>,
    /// Whether the panel has settled after opening: the first customer shown, or nothing to show
    /// (see `lazy::after_card`).
    pub settled: RwSignal<bool>,
    /// Whether the store is open (writes before that would fail).
    pub store_open: RwSignal<bool>,
    /// The stored settings could not be read: they are never written over this session.
    pub settings_unreadable: RwSignal<bool>,
    /// Edits of the open customer waiting for the store (see [`AppState::edit`]).
    pending: StoredValue<Pending>,
    /// Saves the shop's settings; [`AppState::settings`] is set once they are stored.
    pub save_settings: Action<Settings, ()>,
    /// Whether [`AppState::catalog`] and [`AppState::templates`] were read from the store (or
    /// asked for: see [`AppState::ensure_catalog`]).
    loaded: RwSignal<(bool, bool)>,
}

impl AppState {
    /// A fresh state in `lang`; the store's records arrive once it is open.
    pub fn new(lang: Lang) -> AppState {
        let lang = RwSignal::new(lang);
        let customer = RwSignal::new(None::<Customer>);
        let conversation = RwSignal::new(None::<ConversationRecord>);
        let history = RwSignal::new(Vec::<HistoryEntry>::new());
        let error = RwSignal::new(None::<String>);
        let settings = RwSignal::new(Settings::default());
        let settings_unreadable = RwSignal::new(false);
        let save_settings = Action::new_local(move |wanted: &Settings| {
            let wanted = wanted.clone();
            async move {
                if settings_unreadable.get_untracked() {
                    error.set(Some(
                        ui(Ui::SettingsUnreadable, lang.get_untracked()).into(),
                    ));
                    return;
                }
                match db::save_settings(wanted).await {
                    Ok(saved) => settings.set(saved),
                    Err(e) => {
                        web_sys::console::error_1(&e.to_string().into());
                        error.set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into()));
                    }
                }
            }
        });
        AppState {
            lang,
            tab: RwSignal::new(Tab::Customer),
            seen: RwSignal::new(None),
            engine: RwSignal::new(None),
            customer,
            conversation,
            tags: RwSignal::new(Vec::new()),
            staff: RwSignal::new(Vec::new()),
            history,
            error,
            buyer_messages: RwSignal::new(Vec::new()),
            catalog: RwSignal::new(Catalog::default()),
            settings,
            templates: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(OutboxView::default()),
            team: RwSignal::new(None),
            orders_heard: RwSignal::new(0),
            store_open: RwSignal::new(false),
            settings_unreadable,
            settled: RwSignal::new(false),
            pending: StoredValue::new(Pending::default()),
            save_settings,
            loaded: RwSignal::new((false, false)),
        }
    }

    /// Reads the catalog once, for the screens that use it (the orders section, the order form,
    /// the products tab): they load as chunks, and so does reading the catalog, instead of every
    /// cold open of the card paying for it.
    pub async fn ensure_catalog(self) {
        if self.loaded.get_untracked().0 {
            return;
        }
        self.loaded.update(|l| l.0 = true);
        match db::catalog().await {
            Ok(catalog) => self.catalog.set(catalog),
            Err(e) => {
                web_sys::console::error_1(&e.to_string().into());
                self.loaded.update(|l| l.0 = false);
            }
        }
    }

    /// Returns true if and only if the last view of team sync says the agent is signed in to a
    /// shop's server.
    pub fn team_connected(self) -> bool {
        self.team.with_untracked(|v| {
            v.as_ref().is_some_and(|v| {
                v.me.is_some() && !matches!(v.status, nobi_core::sync::Status::SignedOut)
            })
        })
    }

    /// Reads the catalog again (a write found it changed elsewhere).
    pub async fn reload_catalog(self) {
        self.loaded.update(|l| l.0 = false);
        self.ensure_catalog().await;
    }

    /// Reads the templates once, for the composer's menu and the templates tab (see
    /// [`AppState::ensure_catalog`]).
    pub async fn ensure_templates(self) {
        if self.loaded.get_untracked().1 {
            return;
        }
        self.loaded.update(|l| l.1 = true);
        match db::templates::all().await {
            Ok(templates) => self.templates.set(templates),
            Err(e) => {
                web_sys::console::error_1(&e.to_string().into());
                self.loaded.update(|l| l.1 = false);
            }
        }
    }

    /// The text of `key` in the panel's language (tracked).
    pub fn t(&self, key: Ui) -> &'static str {
        ui(key, self.lang.get())
    }

    /// The thread the page shows, if any (tracked).
    pub fn thread(&self) -> Option<ThreadRef> {
        self.seen.with(|c| c.as_ref().map(|c| c.thread.clone()))
    }

    /// Shows the save error in the card.
    pub fn failed(&self) {
        self.error
            .set(Some(ui(Ui::SaveFailed, self.lang.get_untracked()).into()));
    }

    /// Applies `change` to the customer (and conversation) and writes it; the status follows
    /// tags and replies ([`nobi_core::crm::ConversationStatus::derive`]). Does nothing when no
    /// customer is open.
    ///
    /// **Never a lost update.** The change lands in the card at once and the next edit builds on
    /// it, whether or not the previous write has landed: one write is in flight at a time, and
    /// the edits made meanwhile go in the next one. Each write carries the `updated_at` the
    /// customer had in the store when it was read ([`crate::db::store::Batch::expect_unchanged`]):
    /// if another panel or an import changed them since, nothing is written, the card shows what
    /// the store holds, and the agent is told to make the change again.
    pub fn edit(
        self,
        change: impl FnOnce(&mut Customer, &mut Option<ConversationRecord>) -> Vec<HistoryEntry>,
    ) {
        let Some(shown) = self.customer.get_untracked() else {
            return;
        };
        let (mut customer, mut conversation) = self
            .pending
            .with_value(|p| {
                p.queue
                    .iter()
                    .find(|(c, _, _)| c.id == shown.id)
                    .map(|(c, r, _)| (c.clone(), r.clone()))
            })
            .unwrap_or((shown, self.conversation.get_untracked()));
        let mut history = change(&mut customer, &mut conversation);
        if let Some(record) = conversation.as_mut() {
            let derived = record
                .status
                .derive(!customer.tags.is_empty(), record.replied);
            if derived != record.status {
                history.push(db::history_entry(
                    &customer,
                    Some(record),
                    HistoryKind::Status,
                    Some(record.status.code().into()),
                    Some(derived.code().into()),
                    None,
                ));
                record.status = derived;
            }
        }
        self.customer.set(Some(customer.clone()));
        self.conversation.set(conversation.clone());
        let start = self.pending.try_update_value(|p| {
            match p.queue.iter_mut().find(|(c, _, _)| c.id == customer.id) {
                Some(entry) => {
                    entry.0 = customer;
                    entry.1 = conversation;
                    entry.2.extend(history);
                }
                None => p.queue.push((customer, conversation, history)),
            }
            !std::mem::replace(&mut p.saving, true)
        });
        if start == Some(true) {
            leptos::task::spawn_local(self.write_pending());
        }
    }

    /// Writes the pending edits, one batch at a time, until none are left.
    async fn write_pending(self) {
        loop {
            let next = self
                .pending
                .try_update_value(|p| {
                    if p.queue.is_empty() {
                        p.saving = false;
                        return None;
                    }
                    Some(p.queue.remove(0))
                })
                .flatten();
            let Some((mut customer, mut conversation, entries)) = next else {
                return;
            };
            let read_at = customer.updated_at;
            match db::save(&mut customer, conversation.as_mut(), &entries, read_at).await {
                Ok(()) => {
                    self.error.set(None);
                    // Only the new stamp: the card may already show later edits.
                    let at = customer.updated_at;
                    let stamp = |c: &mut Option<Customer>| {
                        if let Some(c) = c.as_mut().filter(|c| c.id == customer.id) {
                            c.updated_at = at;
                        }
                    };
                    self.customer.update(stamp);
                    self.pending.update_value(|p| {
                        for (c, _, _) in p.queue.iter_mut().filter(|(c, _, _)| c.id == customer.id)
                        {
                            c.updated_at = at;
                        }
                    });
                    // History of a customer switched away from is read with their card.
                    let shown = self
                        .customer
                        .with_untracked(|c| c.as_ref().is_some_and(|c| c.id == customer.id));
                    if shown && !entries.is_empty() {
                        self.history.update(|h| {
                            for entry in entries.into_iter().rev() {
                                h.insert(0, entry);
                            }
                        });
                    }
                }
                Err(e) => {
                    web_sys::console::error_1(&e.to_string().into());
                    let key = if e == db::store::StoreError::Conflict {
                        Ui::ChangedElsewhere
                    } else {
                        Ui::SaveFailed
                    };
                    self.error
                        .set(Some(ui(key, self.lang.get_untracked()).into()));
                    // What the store holds is what the card shows again; later edits of this
                    // customer were made on the refused copy and are dropped with it.
                    self.pending
                        .update_value(|p| p.queue.retain(|(c, _, _)| c.id != customer.id));
                    self.reload_customer(&customer.id).await;
                }
            }
        }
    }

    /// Reads customer `id` again from the store and shows it, if it is still the one shown.
    pub async fn reload_customer(self, id: &nobi_core::crm::Id) {
        if let Ok(Some(fresh)) = db::store().get::<Customer>(id.as_str()).await {
            if self
                .customer
                .with_untracked(|c| c.as_ref().map(|c| &c.id) == Some(id))
            {
                self.customer.set(Some(fresh));
            }
        }
    }

    /// Reads again what another panel (or a restore) changed and this one shows: the open
    /// customer and conversation (unless this panel's own edits of them are on their way: their
    /// write is checked), the catalog and templates if they were read, tags and settings.
    pub fn heard(self, changed: crate::db::changes::Changed) {
        use nobi_core::crm::schema;
        leptos::task::spawn_local(async move {
            let shown = self
                .customer
                .with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
            if let Some(id) = shown {
                if changed.touches(schema::CUSTOMERS, id.as_str()) && !self.has_pending_edits() {
                    match db::store().get::<Customer>(id.as_str()).await {
                        Ok(Some(fresh)) => self.customer.set(Some(fresh)),
                        // Gone (a restore without them, a merge elsewhere): the conversation's
                        // customer now, if the open conversation is still there (team sync
                        // merged this browser's record of the buyer into the shop's); else
                        // nothing to show.
                        Ok(None) => {
                            let record = self
                                .conversation
                                .with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
                            let mut followed = false;
                            if let Some(record) = record {
                                if let Ok(Some(conversation)) =
                                    db::store().get::<ConversationRecord>(record.as_str()).await
                                {
                                    if let Ok(Some(customer)) = db::store()
                                        .get::<Customer>(conversation.customer_id.as_str())
                                        .await
                                    {
                                        self.customer.set(Some(customer));
                                        self.conversation.set(Some(conversation));
                                        followed = true;
                                    }
                                }
                            }
                            if !followed {
                                self.customer.set(None);
                                self.conversation.set(None);
                            }
                        }
                        Err(_) => {}
                    }
                }
            }
            let record = self
                .conversation
                .with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
            if let Some(id) = record {
                if changed.touches(schema::CONVERSATIONS, id.as_str()) && !self.has_pending_edits()
                {
                    if let Ok(fresh) = db::store().get::<ConversationRecord>(id.as_str()).await {
                        // Team sync may move the thread to the shop's record of the buyer
                        // (another agent's browser saw them first): the card follows it.
                        let moved = fresh.as_ref().map(|c| c.customer_id.clone()).filter(|to| {
                            self.customer
                                .with_untracked(|c| c.as_ref().map(|c| &c.id) != Some(to))
                        });
                        if let Some(to) = moved {
                            if let Ok(Some(customer)) =
                                db::store().get::<Customer>(to.as_str()).await
                            {
                                self.customer.set(Some(customer));
                            }
                        }
                        self.conversation.set(fresh);
                    }
                }
            }
            let any = |stores: &[&str]| changed.stores.iter().any(|s| stores.contains(&s.as_str()));
            if any(&[schema::PRODUCTS, schema::COMBOS]) && self.loaded.get_untracked().0 {
                self.loaded.update(|l| l.0 = false);
                self.ensure_catalog().await;
            }
            if any(&[schema::ORDERS]) {
                self.orders_heard.update(|n| *n += 1);
            }
            if any(&[schema::TEMPLATES]) && self.loaded.get_untracked().1 {
                self.loaded.update(|l| l.1 = false);
                self.ensure_templates().await;
            }
            if any(&[schema::STAFF]) {
                if let Ok(staff) = db::staff().await {
                    self.staff.set(staff);
                }
            }
            if any(&[schema::TAGS]) {
                if let Ok(tags) = db::tags().await {
                    self.tags.set(tags);
                }
            }
            if any(&[schema::SETTINGS]) && !self.settings_unreadable.get_untracked() {
                if let Ok(Some(settings)) = db::settings().await {
                    self.settings.set(settings);
                }
            }
        });
    }

    /// Returns true if and only if edits of the shown customer are waiting for the store.
    pub fn has_pending_edits(self) -> bool {
        self.pending.with_value(|p| p.saving || !p.queue.is_empty())
    }
}

/// The panel's state.
///
/// # Panics
/// Outside the tree under [`crate::app::App`] (which provides it before rendering anything).
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
