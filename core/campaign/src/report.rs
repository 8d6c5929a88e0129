//! The campaign report: one CSV row per recipient with its outcome and why, for the shop's
//! records or a spreadsheet (written with the `csv` crate, so names with commas, quotes or line
//! breaks stay one cell).

use crate::run::{Campaign, RecipientState, SkipReason};
use nobi_protocol::{FailReason, Platform};
use serde::Serialize;

/// One row of the report.
#[derive(Debug, Serialize)]
struct Row<'a> {
    customer: &'a str,
    platform: Platform,
    account: &'a str,
    thread: &'a str,
    outcome: &'static str,
    /// Why it was skipped, in words.
    reason: String,
    /// The outbox's failure code ("blocked_by_platform"), for a failure.
    failure: Option<FailReason>,
    /// ISO-like UTC time of the outcome ("2026-12-07 03:00:00Z"), empty while pending.
    at: String,
}

/// The outcome words of the report, in Vietnamese like the interface (the file is for the
/// shop's staff). Returns (outcome, why it was skipped, failure code, time).
fn outcome(state: &RecipientState) -> (&'static str, String, Option<FailReason>, Option<u64>) {
    let skip = |r: &SkipReason| match r {
        SkipReason::Replied => "khách đã nhắn lại".to_owned(),
        SkipReason::OptedOut => "khách không muốn nhận tin".to_owned(),
        SkipReason::CampaignCancelled => "chiến dịch đã huỷ".to_owned(),
    };
    match state {
        RecipientState::Pending => ("chờ gửi", String::new(), None, None),
        RecipientState::Handed { .. } => ("đang gửi", String::new(), None, None),
        RecipientState::Sent { at } => ("đã gửi", String::new(), None, Some(*at)),
        RecipientState::Failed { reason, at } => ("lỗi", String::new(), Some(*reason), Some(*at)),
        RecipientState::NeedsAgent { reason, at } => {
            ("cần kiểm tra", String::new(), Some(*reason), Some(*at))
        }
        RecipientState::Cancelled { at } => ("đã huỷ", String::new(), None, Some(*at)),
        RecipientState::Skipped { reason, at } => ("bỏ qua", skip(reason), None, Some(*at)),
        RecipientState::Lost { at } => (
            "không rõ",
            "hộp thư đi không còn tin này; xem hội thoại".into(),
            None,
            Some(*at),
        ),
    }
}

fn utc(ms: u64) -> String {
    let day = nobi_template::Day::from_unix_ms(ms as i64, 0);
    let secs = (ms / 1000) % 86_400;
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        day.year,
        day.month,
        day.day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The report of `campaign` as CSV (UTF-8 with a BOM, so that Excel reads the diacritics).
pub fn csv(campaign: &Campaign) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = ::csv::Writer::from_writer(&mut out);
        for r in &campaign.recipients {
            let (outcome, reason, failure, at) = outcome(&r.state);
            // Serialising strings and unit enums into a Vec cannot fail.
            let _ = w.serialize(Row {
                customer: &r.name,
                platform: r.to.platform,
                account: r.account.as_deref().unwrap_or(""),
                thread: &r.to.thread_id,
                outcome,
                reason,
                failure,
                at: at.map(utc).unwrap_or_default(),
            });
        }
        let _ = w.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Goal, Recipient, RunSettings};
    use nobi_protocol::ThreadRef;

    #[test]
    fn one_row_per_recipient_with_commas_and_quotes_kept_in_their_cell() {
        let mut c = Campaign::draft("k", "Sale", Goal::Promotion, RunSettings::default(), 0);
        let r = |n: usize, name: &str| Recipient {
            customer_id: format!("c{n}"),
            name: name.to_owned(),
            to: ThreadRef {
                platform: Platform::Facebook,
                thread_id: format!("t{n}"),
            },
            account: Some("Hoa Mai Shop".into()),
            text: "Chào".into(),
            attachments: Vec::new(),
            state: RecipientState::Pending,
            cancel_reason: None,
        };
        c.start(vec![r(1, "Lê \"Bé\", Thảo"), r(2, "An")], None, 0)
            .unwrap();
        c.recipients[0].state = RecipientState::Sent {
            at: 1_796_612_400_000,
        };
        c.recipients[1].state = RecipientState::Failed {
            reason: FailReason::BlockedByPlatform,
            at: 1_796_612_460_000,
        };
        let bytes = csv(&c);
        assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "customer,platform,account,thread,outcome,reason,failure,at"
        );
        assert_eq!(
            lines[1],
            "\"Lê \"\"Bé\"\", Thảo\",facebook,Hoa Mai Shop,t1,đã gửi,,,2026-12-07 03:00:00Z"
        );
        assert_eq!(
            lines[2],
            "An,facebook,Hoa Mai Shop,t2,lỗi,,blocked_by_platform,2026-12-07 03:01:00Z"
        );
    }
}
