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
            } => Some(OutboxView {
                items: items.clone(),
                paused: paused.clone(),
                settings: settings.clone(),
                damaged: damaged.clone(),
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

/// One edit of the open customer, as [`AppState::edit`] saves it.
#[derive(Clone)]
pub struct Save {
    pub customer: Customer,
    pub conversation: Option<ConversationRecord>,
    pub history: Vec<HistoryEntry>,
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
    /// Whether the panel has settled after opening: the first customer shown, or nothing to show
    /// (see `lazy::after_card`).
    pub settled: RwSignal<bool>,
    /// Whether the store is open (writes before that would fail).
    pub store_open: RwSignal<bool>,
    /// Saves one edit of the open customer (see the module's invariant).
    pub save: Action<Save, ()>,
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
        let save = Action::new_local(move |edit: &Save| {
            let Save {
                customer: mut customer_record,
                conversation: mut conversation_record,
                history: entries,
            } = edit.clone();
            async move {
                match db::save(&mut customer_record, conversation_record.as_mut(), &entries).await {
                    Ok(()) => {
                        error.set(None);
                        customer.set(Some(customer_record));
                        if conversation_record.is_some() {
                            conversation.set(conversation_record);
                        }
                        if !entries.is_empty() {
                            history.update(|h| {
                                for entry in entries.into_iter().rev() {
                                    h.insert(0, entry);
                                }
                            });
                        }
                    }
                    Err(e) => {
                        web_sys::console::error_1(&e.to_string().into());
                        error.set(Some(ui(Ui::SaveFailed, lang.get_untracked()).into()));
                    }
                }
            }
        });
        let settings = RwSignal::new(Settings::default());
        let save_settings = Action::new_local(move |wanted: &Settings| {
            let wanted = wanted.clone();
            async move {
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
            store_open: RwSignal::new(false),
            settled: RwSignal::new(false),
            save,
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

    /// Applies `change` to a copy of the customer (and conversation) and saves it through
    /// [`AppState::save`]; the status follows tags and replies
    /// ([`nobi_core::crm::ConversationStatus::derive`]). Does nothing when no customer is open.
    pub fn edit(
        self,
        change: impl FnOnce(&mut Customer, &mut Option<ConversationRecord>) -> Vec<HistoryEntry>,
    ) {
        let (Some(mut customer), mut conversation) = (
            self.customer.get_untracked(),
            self.conversation.get_untracked(),
        ) else {
            return;
        };
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
        self.save.dispatch(Save {
            customer,
            conversation,
            history,
        });
    }
}

/// The panel's state.
///
/// # Panics
/// Outside the tree under [`crate::app::App`] (which provides it before rendering anything).
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
