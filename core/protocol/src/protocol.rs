//! Every message that crosses a context boundary, one enum per direction.
//!
//! The extension has three kinds of context: the side panel (Leptos), the service worker (the
//! "background") and one content script per Instagram/Facebook tab. They talk only through
//! `chrome.runtime.sendMessage` / `chrome.tabs.sendMessage`, and only with the types below,
//! serialised as JSON-compatible objects. A message that does not parse is dropped with an error
//! reply; nothing else is ever interpreted.
//!
//! Wire format: serde's default, externally tagged enums (`"check_health"`,
//! `{"send_text": {"request_id": …}}`). Internally tagged enums (`{"type": …}`) read more nicely
//! but make serde buffer every message into an intermediate tree first, which cost 17 KB gzip in
//! each wasm module, more than a third of the service worker's budget.
//!
//! Directions:
//! - [`PanelToBackground`] — requests from the panel; answered with a [`BackgroundToPanel`].
//! - [`BackgroundToContent`] — orders to one tab's content script; answered with a [`ContentReply`].
//! - [`ContentToBackground`] — notices from a content script (the tab id comes from the sender,
//!   never from the message body).
//! - [`BackgroundToPanel`] is also broadcast when the open conversation changes.

use serde::{Deserialize, Serialize};

/// The web surfaces Nobi Pro types into. One site adapter each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// `www.instagram.com/direct/...`
    Instagram,
    /// Messenger inside `www.facebook.com/messages/...`
    Facebook,
    /// `www.messenger.com/t/...`
    Messenger,
    /// Meta Business Suite inbox, `business.facebook.com/latest/inbox/...`
    BusinessSuite,
}

/// Names a conversation across contexts: a message is only ever typed into the thread it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThreadRef {
    pub platform: Platform,
    pub thread_id: String,
}

/// What a content script sees of the conversation open in its tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub thread: ThreadRef,
    /// The buyer's display name as the page shows it (NFC, not escaped: the panel escapes).
    pub buyer_name: Option<String>,
    /// The buyer's username or profile handle, when the page shows one.
    #[serde(default)]
    pub buyer_username: Option<String>,
    /// The link to the buyer's profile, when the header links to it.
    #[serde(default)]
    pub buyer_profile_url: Option<String>,
    /// The buyer's avatar image URL, when visible.
    #[serde(default)]
    pub buyer_avatar_url: Option<String>,
    /// The shop's own account the agent is logged in as: the Instagram username, or the
    /// Business Suite page id, when the page tells.
    #[serde(default)]
    pub account: Option<String>,
    /// The page URL the conversation was read from.
    pub url: String,
    /// The page's UI language as detected from its labels (`"vi"`, `"en"`), if known.
    pub ui_language: Option<String>,
    /// Other ids of this same conversation: the thread an end-to-end encrypted chat had before
    /// the agent pressed "Continue" (learned by the content script from that navigation), and,
    /// from the service worker, every alias it knows (see [`crate::aliases`]). The panel keeps
    /// one conversation record for all of them.
    #[serde(default)]
    pub also_known_as: Vec<ThreadRef>,
}

/// How a content script runs: as wasm, or as the wasm2js build where the page's CSP forbids wasm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    #[default]
    Wasm,
    Wasm2js,
}

/// Who wrote a message, as seen by the shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the buyer.
    In,
    /// From the shop (this agent or a colleague).
    Out,
}

/// One message bubble read from the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub direction: Direction,
    /// The bubble's text, NFC, white space folded; empty for an image-only bubble.
    pub text: String,
    /// The time the page shows above the bubble ("Hôm nay 09:41"), as written there.
    pub time: Option<String>,
    /// The platform's id of the message (`mid.$…`), where the page exposes one.
    #[serde(default)]
    pub id: Option<String>,
    /// What the page shows about the message's delivery (outgoing messages only).
    #[serde(default)]
    pub delivery: Delivery,
}

/// The delivery state the page shows beside an outgoing message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Nothing shown (older messages carry no state), or not recognised.
    #[default]
    Unknown,
    /// "Sent", "Delivered", "Seen" or the like: the platform accepted it.
    Accepted,
    /// "Failed to send", "Not sent" or the like: the platform refused it; it was not sent.
    Failed,
}

/// A file to send with a message: an image from the panel's media library, or any file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    /// MIME type, e.g. `image/jpeg`.
    pub mime: String,
    /// The bytes, base64 (Chrome messaging carries JSON, not binary).
    pub data_base64: String,
}

/// What a content script can tell about its page, for the panel's health line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    pub platform: Option<Platform>,
    /// The page's UI language as detected from its labels (`"vi"`, `"en"`).
    pub ui_language: Option<String>,
    pub engine: Engine,
    /// How long the content script took to start, from the loader's first line to `start`
    /// returning, in microseconds (read by `./build.sh bench`).
    #[serde(default)]
    pub init_us: Option<u32>,
}

/// The adapter's verdict on the page it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Composer, header and messages all found: sending and reading will work.
    Ok,
    /// The URL is not a conversation (feed, profile, inbox with nothing open).
    NotAConversation,
    NotLoggedIn,
    BlockedByPlatform,
    /// A conversation is open but no composer was found (still loading, or the layout changed).
    ComposerNotFound,
    /// The composer was found but not the header or the messages: the site changed its markup.
    SelectorsOutdated,
    /// A dialog of the page (e.g. "Enter your PIN to restore your chats") covers the composer.
    ComposerCovered,
}

/// What the adapter looks for on a conversation page, for the field diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// The message box of the open conversation.
    Composer,
    /// Nothing (a dialog) lies over the message box.
    ComposerUncovered,
    /// The conversation pane that holds the message box.
    Pane,
    /// The buyer's name, from the header or the labels that name the buyer.
    BuyerName,
    /// The link to the buyer's profile in the header.
    ProfileLink,
    /// The per-thread signature: which signals tell this thread from the previous one.
    ThreadSignature,
    /// The scrollable message list.
    MessageList,
    /// The messages in it.
    MessageRows,
    /// The send button (else Enter sends).
    SendControl,
}

impl Signal {
    pub const ALL: [Signal; 9] = [
        Signal::Composer,
        Signal::ComposerUncovered,
        Signal::Pane,
        Signal::BuyerName,
        Signal::ProfileLink,
        Signal::ThreadSignature,
        Signal::MessageList,
        Signal::MessageRows,
        Signal::SendControl,
    ];
}

/// One line of the field diagnostic: whether a signal was found, by which of the adapter's ways
/// (a name from the adapter's own code, never text from the page), and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalCheck {
    pub signal: Signal,
    pub found: bool,
    /// The adapter's way that found it (`"aria-roledescription"`, `"heading in profile link"`).
    pub via: Option<String>,
    pub count: u32,
}

/// The dry check the agent runs from the panel's health line: nothing is typed or clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub health: Health,
    pub checks: Vec<SignalCheck>,
    /// A JSON skeleton of the regions the adapter uses: tags, roles, attribute names, nesting and
    /// counts, with every text, label value, URL and id left out, so that a shop can send it to
    /// whoever maintains the adapter without leaking a buyer's data.
    pub layout_report: String,
}

/// Requests from the side panel to the service worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelToBackground {
    /// Which conversation did the agent use last, in any window? Answered with
    /// [`BackgroundToPanel::Conversation`].
    GetConversation,
    /// Which conversation did the agent use last in the panel's own window? Answered with
    /// [`BackgroundToPanel::Conversation`]. What the side panel asks.
    GetWindowConversation { window_id: i32 },
    /// Type and send `text` into the tab that shows `to`. Answered with
    /// [`BackgroundToPanel::SendResult`].
    SendText {
        request_id: String,
        to: ThreadRef,
        text: String,
        #[serde(default)]
        attachments: Vec<Attachment>,
    },
    /// Read the visible messages of `thread`, after loading `older_pages` pages of older ones.
    /// Answered with [`BackgroundToPanel::Messages`].
    ReadMessages { thread: ThreadRef, older_pages: u32 },
    /// How is the adapter doing on the page that shows `thread` (or, with `None`, the current
    /// conversation's tab)? Answered with [`BackgroundToPanel::Health`].
    CheckHealth { thread: Option<ThreadRef> },
    /// Bring up `thread` in a tab: reuse the tab that shows it, else navigate a tab of the same
    /// site, else open one; answered once its composer is ready with [`BackgroundToPanel::Opened`].
    OpenThread { thread: ThreadRef },
    /// Put a message in the outbox. The worker stores it (and `files`, which become its
    /// attachments, in order) before it answers with [`BackgroundToPanel::Outbox`]; enqueueing
    /// the same id again changes nothing.
    Enqueue {
        item: crate::outbox::NewItem,
        #[serde(default)]
        files: Vec<Attachment>,
    },
    /// Answered with [`BackgroundToPanel::Outbox`].
    GetOutbox,
    /// The agent's retry of a failed message.
    OutboxRetry { id: String },
    /// The agent's cancel of a queued, failed, unchecked or undecided message.
    OutboxCancel { id: String },
    /// The agent looked at the page and saw a message that needed them there: it was sent.
    OutboxMarkSent { id: String },
    /// The agent looked at the page and the message that needed them is not there: type it.
    OutboxSendAgain { id: String },
    /// The agent resumes an account stopped by "blocked by the platform".
    OutboxResume { account: crate::outbox::AccountKey },
    /// Pacing and retry settings.
    SetOutboxSettings { settings: crate::outbox::Settings },
    /// The field diagnostic of the page that shows `thread` (or the current conversation's
    /// tab). Answered with [`BackgroundToPanel::Diagnosis`].
    Diagnose { thread: Option<ThreadRef> },
    /// The buyer's latest message in `thread` is `text` (the panel read it on the page): opt-out
    /// words put the thread on the do-not-message list; with the time it was written (`at`, when
    /// known), campaigns started before it skip the buyer.
    BuyerWrote {
        thread: ThreadRef,
        #[serde(default)]
        at: Option<u64>,
        text: String,
    },
}

/// A stored outbox that could not be read, kept aside instead of being overwritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxDamage {
    /// When the worker found it, ms since the epoch.
    pub at: u64,
    /// What the decoder said.
    pub detail: String,
    /// The `chrome.storage.local` key the raw value is kept under; `None` if even that write
    /// failed, and then nothing is saved over the damaged value.
    pub kept_as: Option<String>,
}

/// An account the outbox has stopped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PausedAccount {
    pub account: crate::outbox::AccountKey,
    pub pause: crate::outbox::Pause,
}

/// Replies and broadcasts from the service worker to the side panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackgroundToPanel {
    /// The conversation open in the tab the agent last used, or none.
    Conversation {
        tab_id: Option<i32>,
        conversation: Option<Conversation>,
        /// How that tab's content script runs.
        engine: Option<Engine>,
        /// The window this is the current conversation of; broadcasts go to every panel, and
        /// each keeps only its own window's. `None` for the any-window answer.
        #[serde(default)]
        window_id: Option<i32>,
    },
    /// The outcome of a [`PanelToBackground::SendText`].
    SendResult {
        request_id: String,
        outcome: SendOutcome,
    },
    /// The messages of a thread, oldest first.
    Messages {
        thread: ThreadRef,
        messages: Vec<ChatMessage>,
        /// True when the page has no older messages left to load.
        reached_start: bool,
    },
    Health {
        tab_id: Option<i32>,
        health: Option<Health>,
    },
    /// `thread` is open in `tab_id` and its composer is ready.
    Opened { thread: ThreadRef, tab_id: i32 },
    /// A request about a thread failed.
    Failed { reason: FailReason },
    /// A notice was taken ([`PanelToBackground::BuyerWrote`]).
    Noted,
    /// The outbox: a reply to every outbox request, and broadcast on every change.
    Outbox {
        items: Vec<crate::outbox::OutboxItem>,
        paused: Vec<PausedAccount>,
        settings: crate::outbox::Settings,
        /// The stored outbox could not be read when the worker started: it was set aside, and
        /// the panel says so until the agent has seen it.
        #[serde(default)]
        damaged: Option<OutboxDamage>,
        /// Accounts whose budget shared by the shop's agents (team server) is spent for now.
        #[serde(default)]
        team_waits: Vec<(crate::outbox::AccountKey, crate::outbox::TeamWait)>,
    },
    /// The answer to [`PanelToBackground::Diagnose`]; `None` when no tab could be asked.
    Diagnosis {
        tab_id: Option<i32>,
        diagnosis: Option<Diagnosis>,
    },
    /// The request could not be understood (a bug, or a panel/worker version mismatch).
    Error { message: String },
}

/// Orders from the service worker to the content script of one tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackgroundToContent {
    /// Type `text` into the composer of thread `to`, attach `attachments`, and send. Answered with
    /// [`ContentReply::Sent`]. The content script aborts, without typing, if the open thread is
    /// not `to`.
    SendText {
        request_id: String,
        to: ThreadRef,
        text: String,
        #[serde(default)]
        attachments: Vec<Attachment>,
        /// The shop account the message was queued for; the content script refuses
        /// (`wrong_account`) when the page acts as another one.
        #[serde(default)]
        account: Option<String>,
    },
    /// Read the messages of thread `to`, loading `older_pages` pages of older ones first.
    /// Answered with [`ContentReply::Messages`] or [`ContentReply::Failed`].
    ReadMessages { to: ThreadRef, older_pages: u32 },
    /// Answered with [`ContentReply::Health`].
    CheckHealth,
    /// Wait until the composer of `to` is ready. Answered with [`ContentReply::Ready`] or
    /// [`ContentReply::Failed`].
    WaitUntilReady { to: ThreadRef },
    /// Run the field diagnostic. Answered with [`ContentReply::Diagnosis`].
    Diagnose,
}

/// Replies of a content script to a [`BackgroundToContent`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentReply {
    Sent {
        request_id: String,
        outcome: SendOutcome,
        /// The platform's id of the sent message, where the page exposes one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<String>,
    },
    Messages {
        messages: Vec<ChatMessage>,
        reached_start: bool,
    },
    Health {
        health: Health,
    },
    Ready,
    Diagnosis {
        diagnosis: Diagnosis,
    },
    Failed {
        reason: FailReason,
    },
    Error {
        message: String,
    },
}

/// Notices a content script sends on its own.
// A notice is built once and serialised at once: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentToBackground {
    /// The tab now shows this conversation (on load and after every in-page navigation).
    ConversationOpened {
        conversation: Conversation,
        engine: Engine,
    },
    /// The tab no longer shows a conversation (inbox, profile, another page).
    ConversationClosed,
    /// The threads the site's inbox list shows, where its rows name their thread (Facebook's
    /// chat list links each row to it; Instagram's rows carry no id). Team sync reports them to
    /// the shop's server so that assignment works before anyone opens them; alone, it is
    /// ignored. Sent when the list differs from the last one sent.
    InboxSeen { inbox: InboxList },
}

/// A tab's inbox list, with what tells whose inbox it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxList {
    pub platform: Platform,
    /// The account the page acts as, when it tells (see [`Conversation::account`]).
    #[serde(default)]
    pub account: Option<String>,
    /// The thread open beside the list, if any: when the page does not tell its account, the
    /// list is the shop's only once this thread is (the agent works the shop's chats here).
    #[serde(default)]
    pub open_thread: Option<String>,
    pub threads: Vec<InboxThread>,
}

/// One row of a site's inbox list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxThread {
    pub thread_id: String,
    /// The name the row shows (the buyer's, or a group's).
    #[serde(default)]
    pub name: Option<String>,
}

/// How a send ended. "Sent" means the platform accepted it, as the page shows: a new outgoing
/// bubble with exactly that text, and its delivery state ("Sent", "Delivered", "Seen"); bubbles
/// appear before the platform accepts them, so the bubble alone is not enough.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SendOutcome {
    Sent,
    Failed { reason: FailReason },
}

/// Why a send failed. Each reason has a translated, actionable text in `nobi-i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// No tab shows this conversation.
    NoConversationTab,
    /// The page has no composer we recognise (logged out, layout changed, still loading).
    ComposerNotFound,
    /// The page shows the login form.
    NotLoggedIn,
    /// The open thread is not the one the message was addressed to; nothing was typed.
    WrongConversation,
    /// The platform shows "Action Blocked" / "Try again later".
    BlockedByPlatform,
    /// The page refused the attached file.
    AttachmentRejected,
    /// The page did not get ready in time (composer, attachment preview, a thread being opened).
    /// Nothing was sent.
    Timeout,
    /// The order never reached the tab's content script (tab closed, page not loaded yet, extension
    /// updated since the page loaded). Nothing was done.
    TabUnreachable,
    /// The composer did not take the text as typed (read back differently). Nothing was sent.
    TypingRejected,
    /// The composer holds attachments the agent queued; sending now would send them too.
    ComposerBusy,
    /// The send action was done, but neither success nor failure could be confirmed (no new
    /// bubble in time, or the tab went away mid-send). It may have been sent: never retried
    /// automatically, so that nothing is sent twice.
    Unconfirmed,
    /// A dialog (e.g. "Enter your PIN to restore your chats") covers the composer. Nothing was
    /// typed; the extension never closes a page's dialog by itself.
    CoveredByDialog,
    /// The page showed the message as not sent ("Failed to send"). Nothing went out.
    RejectedByPlatform,
    /// The message's stored files could not be read (removed, or the store is damaged). Nothing
    /// was typed: a message never goes out without its images.
    FilesMissing,
    /// A check after a restart found a new message of ours that does not read as this one (the
    /// platform may show it differently, or the agent typed by hand): the agent must look.
    PageUnclear,
    /// The page acts as another account than the one the message was queued for (the tab
    /// switched between the shop's Page and a personal profile). Nothing was typed.
    WrongAccount,
    /// The tab did not answer the order in time (a page stuck in a script, a frozen tab). If it
    /// was a send, the send may have happened: not retried automatically.
    TabStuck,
}

impl FailReason {
    /// Every reason, for exhaustive tests and translations.
    pub const ALL: [FailReason; 17] = [
        FailReason::NoConversationTab,
        FailReason::ComposerNotFound,
        FailReason::NotLoggedIn,
        FailReason::WrongConversation,
        FailReason::BlockedByPlatform,
        FailReason::AttachmentRejected,
        FailReason::Timeout,
        FailReason::TabUnreachable,
        FailReason::TypingRejected,
        FailReason::ComposerBusy,
        FailReason::Unconfirmed,
        FailReason::CoveredByDialog,
        FailReason::RejectedByPlatform,
        FailReason::FilesMissing,
        FailReason::PageUnclear,
        FailReason::WrongAccount,
        FailReason::TabStuck,
    ];

    /// Returns true if and only if trying the same send again later may succeed without the
    /// agent doing anything AND nothing can have been sent: every reason that arises after the
    /// send action ([`FailReason::Unconfirmed`]) is not retryable.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            FailReason::ComposerNotFound | FailReason::Timeout | FailReason::TabUnreachable
        )
    }

    /// The reason to record for a failure that arose after the send action was made: the page's
    /// own verdicts (a block, a logout, "Failed to send") stand, and everything else becomes
    /// [`FailReason::Unconfirmed`]. After the send action a message may be on its way: no reason
    /// may say "nothing was sent" or be retried automatically.
    pub fn after_send_action(self) -> FailReason {
        match self {
            FailReason::BlockedByPlatform
            | FailReason::NotLoggedIn
            | FailReason::RejectedByPlatform
            | FailReason::Unconfirmed => self,
            _ => FailReason::Unconfirmed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) -> String {
        let json = serde_json::to_string(&value).unwrap();
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(back, value, "{json}");
        json
    }

    fn thread() -> ThreadRef {
        ThreadRef {
            platform: Platform::Instagram,
            thread_id: "340282366841710300949128".into(),
        }
    }

    fn conversation() -> Conversation {
        Conversation {
            thread: thread(),
            buyer_name: Some("Nguyễn Thị Hồng <b>".into()),
            buyer_username: Some("hong.nguyen.92".into()),
            buyer_profile_url: Some("https://www.instagram.com/hong.nguyen.92/".into()),
            buyer_avatar_url: None,
            account: Some("hoamai.shop".into()),
            url: "https://www.instagram.com/direct/t/340282366841710300949128/".into(),
            ui_language: Some("vi".into()),
            also_known_as: vec![],
        }
    }

    #[test]
    fn every_message_round_trips_through_json() {
        round_trip(PanelToBackground::GetConversation);
        round_trip(PanelToBackground::GetWindowConversation { window_id: 3 });
        round_trip(PanelToBackground::SendText {
            request_id: "r1".into(),
            to: thread(),
            text: "Xin chào 👋 chị ơi\nDạ".into(),
            attachments: vec![Attachment {
                name: "ao-len.jpg".into(),
                mime: "image/jpeg".into(),
                data_base64: "/9j/4AAQ".into(),
            }],
        });
        round_trip(PanelToBackground::ReadMessages {
            thread: thread(),
            older_pages: 2,
        });
        round_trip(PanelToBackground::CheckHealth { thread: None });
        round_trip(PanelToBackground::OpenThread { thread: thread() });
        let item = crate::outbox::NewItem {
            id: "m1".into(),
            to: thread(),
            account: Some("shop.hoa".into()),
            text: "Dạ shop gửi chị ạ".into(),
            attachments: vec![],
            not_before: Some(1_700_000_000_000),
        };
        round_trip(PanelToBackground::Enqueue {
            item: item.clone(),
            files: vec![],
        });
        round_trip(PanelToBackground::GetOutbox);
        round_trip(PanelToBackground::BuyerWrote {
            thread: ThreadRef {
                platform: Platform::Instagram,
                thread_id: "t1".into(),
            },
            at: Some(1),
            text: "Huỷ".into(),
        });
        let campaign = crate::campaign::Campaign::draft(
            "k1",
            "Tri ân",
            crate::campaign::Goal::Care,
            crate::campaign::RunSettings::default(),
            5,
        );
        use crate::campaign::{CampaignsToPanel, PanelToCampaigns};
        round_trip(PanelToCampaigns::Start {
            campaign: Box::new(campaign.clone()),
            recipients: Vec::new(),
            at: Some(9),
            files: vec![crate::campaign::CampaignFile {
                media_id: "m1".into(),
                file: Attachment {
                    name: "a.png".into(),
                    mime: "image/png".into(),
                    data_base64: "AA==".into(),
                },
            }],
        });
        round_trip(PanelToCampaigns::Get);
        round_trip(PanelToCampaigns::Pause { id: "k1".into() });
        round_trip(CampaignsToPanel::Campaigns {
            campaigns: vec![campaign],
            do_not_message: vec!["instagram:t1".into()],
            opt_out_words: Vec::new(),
        });
        // The two pairs of enums never read each other's messages.
        let json = serde_json::to_string(&PanelToCampaigns::Get).unwrap();
        assert!(serde_json::from_str::<PanelToBackground>(&json).is_err());
        let json = serde_json::to_string(&PanelToBackground::GetOutbox).unwrap();
        assert!(serde_json::from_str::<PanelToCampaigns>(&json).is_err());
        round_trip(PanelToBackground::OutboxRetry { id: "m1".into() });
        round_trip(PanelToBackground::OutboxCancel { id: "m1".into() });
        round_trip(PanelToBackground::OutboxMarkSent { id: "m1".into() });
        round_trip(PanelToBackground::OutboxSendAgain { id: "m1".into() });
        let account = crate::outbox::AccountKey {
            platform: Platform::Instagram,
            account: None,
        };
        round_trip(PanelToBackground::OutboxResume {
            account: account.clone(),
        });
        round_trip(PanelToBackground::SetOutboxSettings {
            settings: crate::outbox::Settings::default(),
        });
        let mut outbox = crate::outbox::Outbox::new(crate::outbox::Settings::default());
        outbox.enqueue(item, 1).unwrap();
        round_trip(BackgroundToPanel::Outbox {
            items: outbox.items().to_vec(),
            paused: vec![PausedAccount {
                account,
                pause: crate::outbox::Pause {
                    reason: FailReason::BlockedByPlatform,
                    at: 5,
                },
            }],
            settings: outbox.settings().clone(),
            damaged: Some(OutboxDamage {
                at: 7,
                detail: "expected value at line 1 column 1".into(),
                kept_as: Some("outbox-unreadable".into()),
            }),
            team_waits: Vec::new(),
        });
        round_trip(BackgroundToPanel::Messages {
            thread: thread(),
            messages: vec![ChatMessage {
                direction: Direction::In,
                text: "sdt 0912 345 678".into(),
                time: Some("Hôm nay 09:41".into()),
                id: Some("mid.$cAD8abc".into()),
                delivery: Delivery::Accepted,
            }],
            reached_start: false,
        });
        round_trip(BackgroundToPanel::Health {
            tab_id: Some(3),
            health: Some(Health {
                status: HealthStatus::SelectorsOutdated,
                platform: Some(Platform::Facebook),
                ui_language: Some("vi".into()),
                engine: Engine::Wasm2js,
                init_us: Some(21_500),
            }),
        });
        round_trip(BackgroundToPanel::Opened {
            thread: thread(),
            tab_id: 9,
        });
        round_trip(BackgroundToPanel::Failed {
            reason: FailReason::NotLoggedIn,
        });
        round_trip(BackgroundToContent::CheckHealth);
        round_trip(BackgroundToContent::Diagnose);
        round_trip(PanelToBackground::Diagnose { thread: None });
        let diagnosis = Diagnosis {
            health: Health {
                status: HealthStatus::Ok,
                platform: Some(Platform::Facebook),
                ui_language: None,
                engine: Engine::Wasm,
                init_us: None,
            },
            checks: vec![SignalCheck {
                signal: Signal::MessageRows,
                found: true,
                via: Some("aria-roledescription".into()),
                count: 12,
            }],
            layout_report: "{}".into(),
        };
        round_trip(ContentReply::Diagnosis {
            diagnosis: diagnosis.clone(),
        });
        round_trip(BackgroundToPanel::Diagnosis {
            tab_id: Some(2),
            diagnosis: Some(diagnosis),
        });
        round_trip(BackgroundToContent::WaitUntilReady { to: thread() });
        round_trip(BackgroundToContent::ReadMessages {
            to: thread(),
            older_pages: 0,
        });
        round_trip(ContentReply::Ready);
        round_trip(ContentReply::Messages {
            messages: vec![],
            reached_start: true,
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: Some(7),
            conversation: Some(conversation()),
            engine: Some(Engine::Wasm2js),
            window_id: Some(3),
        });
        round_trip(BackgroundToPanel::Conversation {
            tab_id: None,
            conversation: None,
            engine: None,
            window_id: None,
        });
        round_trip(BackgroundToPanel::Error {
            message: "x".into(),
        });
        round_trip(BackgroundToContent::SendText {
            request_id: "r2".into(),
            to: thread(),
            text: "ok".into(),
            attachments: vec![],
            account: Some("hoamai.shop".into()),
        });
        round_trip(ContentToBackground::ConversationOpened {
            conversation: conversation(),
            engine: Engine::Wasm,
        });
        round_trip(ContentToBackground::ConversationClosed);
        for reason in FailReason::ALL {
            round_trip(BackgroundToPanel::SendResult {
                request_id: "r3".into(),
                outcome: SendOutcome::Failed { reason },
            });
        }
    }

    #[test]
    fn wire_format_is_stable() {
        // The JS loaders and stored records read these names: changing them is a migration.
        assert_eq!(
            round_trip(ContentReply::Sent {
                request_id: "r".into(),
                outcome: SendOutcome::Failed {
                    reason: FailReason::WrongConversation
                },
                message_id: None,
            }),
            r#"{"sent":{"request_id":"r","outcome":{"failed":{"reason":"wrong_conversation"}}}}"#
        );
        assert_eq!(
            round_trip(PanelToBackground::GetConversation),
            r#""get_conversation""#
        );
    }

    #[test]
    fn messages_of_older_versions_still_parse() {
        // A worker updated while a tab still runs the previous content script.
        let m: ChatMessage =
            serde_json::from_str(r#"{"direction":"out","text":"hi","time":null}"#).unwrap();
        assert_eq!((m.id, m.delivery), (None, Delivery::Unknown));
        let c: ContentReply =
            serde_json::from_str(r#"{"sent":{"request_id":"r","outcome":"sent"}}"#).unwrap();
        assert!(matches!(
            c,
            ContentReply::Sent {
                message_id: None,
                ..
            }
        ));
    }

    #[test]
    fn a_send_without_attachments_may_omit_them() {
        let parsed: PanelToBackground = serde_json::from_str(
            r#"{"send_text":{"request_id":"r","to":{"platform":"instagram","thread_id":"1"},"text":"hi"}}"#,
        )
        .unwrap();
        assert!(
            matches!(parsed, PanelToBackground::SendText { attachments, .. } if attachments.is_empty())
        );
    }

    #[test]
    fn unknown_messages_are_rejected() {
        assert!(
            serde_json::from_str::<BackgroundToContent>(r#"{"type":"eval","code":"1"}"#).is_err()
        );
        assert!(serde_json::from_str::<BackgroundToContent>(r#"{"text":"hi"}"#).is_err());
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(FailReason::Timeout.is_retryable());
        assert!(!FailReason::WrongConversation.is_retryable());
        assert!(
            !FailReason::Unconfirmed.is_retryable(),
            "it may have been sent"
        );
        assert!(!FailReason::ComposerBusy.is_retryable());
        assert!(!FailReason::BlockedByPlatform.is_retryable());
        assert!(!FailReason::NotLoggedIn.is_retryable());
        assert!(
            !FailReason::TabStuck.is_retryable(),
            "a stuck send may have gone out"
        );
        assert!(!FailReason::FilesMissing.is_retryable());
    }

    /// Issue 13, point 5: after the send action, no reason is retryable and none claims that
    /// nothing was sent, except the page's own "not sent".
    #[test]
    fn after_the_send_action_nothing_is_retryable() {
        for reason in FailReason::ALL {
            let after = reason.after_send_action();
            assert!(
                !after.is_retryable(),
                "{reason:?} -> {after:?} would be retried"
            );
            assert!(
                matches!(
                    after,
                    FailReason::Unconfirmed
                        | FailReason::BlockedByPlatform
                        | FailReason::NotLoggedIn
                        | FailReason::RejectedByPlatform
                ),
                "{reason:?} -> {after:?}"
            );
        }
        assert_eq!(
            FailReason::Timeout.after_send_action(),
            FailReason::Unconfirmed
        );
        assert_eq!(
            FailReason::TabStuck.after_send_action(),
            FailReason::Unconfirmed
        );
    }
}
