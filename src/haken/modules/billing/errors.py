"""Catalog errors of the billing area (BILLING_…)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class BillingStateError(HakenError):
    code = "BILLING_STATE_CONFLICT"
    status_code = 409
    message_en = "The invoice's state ({state}) does not allow this action."
    message_ja = "この請求書は現在の状態（{state}）ではこの操作ができません。"


class BillingInvoiceExistsError(HakenError):
    code = "BILLING_INVOICE_EXISTS"
    status_code = 409
    message_en = (
        "This client already has an invoice for the period ending {period_end}; "
        "void it first to bill the period again."
    )
    message_ja = (
        "この派遣先には{period_end}締めの請求書がすでにあります。"
        "再請求するには先に取り消してください。"
    )


class BillingNothingToBillError(HakenError):
    code = "BILLING_NOTHING_TO_BILL"
    status_code = 422
    message_en = "Nothing to bill: the client has no approved work or fixed items in the period."
    message_ja = "請求する内容がありません（期間内に承認済みの勤怠も固定項目もありません）。"


class BillingRateMissingError(HakenError):
    code = "BILLING_RATE_MISSING"
    status_code = 422
    message_en = "Contract {contract_number} has no bill rate in force on {date}."
    message_ja = "契約 {contract_number} に {date} 時点で有効な請求単価がありません。"


class BillingRegistrationNumberError(HakenError):
    code = "BILLING_REGISTRATION_NUMBER_INVALID"
    status_code = 409
    message_en = (
        "The agency's invoice registration number (T and 13 digits) is missing or invalid in "
        "the agency settings: a qualified invoice cannot be issued. Ask the operator to set it."
    )
    message_ja = (
        "事業者の適格請求書発行事業者登録番号（T＋13桁）が事業者設定で"
        "未設定か不正なため、適格請求書を発行できません。運用担当者に設定を依頼してください。"
    )


class BillingPaymentTooLargeError(HakenError):
    code = "BILLING_PAYMENT_EXCEEDS_BALANCE"
    status_code = 422
    message_en = "The payment ({amount} yen) is more than the balance due ({balance} yen)."
    message_ja = "入金額（{amount}円）が未収残高（{balance}円）を超えています。"
    fields = ("amount",)


class BillingPeriodsOpenError(HakenError):
    code = "BILLING_PERIODS_OPEN"
    status_code = 409
    message_en = (
        "The month cannot be invoiced: the billing periods of these contracts are not closed: "
        "{contracts}. Close them in attendance first."
    )
    message_ja = (
        "次の契約の請求期間が締められていないため、この月は請求できません：{contracts}。"
        "先に勤怠で締めてください。"
    )


class BillingCutoffInvoicedError(HakenError):
    code = "BILLING_CUTOFF_INVOICED"
    status_code = 409
    message_en = (
        "The closing day cannot be changed now: from {since} the work would join the period "
        "{period_start} – {period_end} of invoice {number}, which is already issued. Change it "
        "after that period, or void the invoice first."
    )
    message_ja = (
        "締め日を今は変更できません。{since}以降の勤務が、発行済みの請求書 {number}"
        "（{period_start}〜{period_end}）の期間に入ってしまいます。その期間の後に変更するか、"
        "先に請求書を取り消してください。"
    )


class BillingCutoffDraftError(HakenError):
    code = "BILLING_CUTOFF_DRAFT_OPEN"
    status_code = 409
    message_en = (
        "The closing day cannot be changed while the draft invoice of {period_start} – "
        "{period_end} holds work it would regroup: void the draft first, and draft again "
        "after the change."
    )
    message_ja = (
        "締め日の変更で組み直す勤務を含む請求書の下書き（{period_start}〜{period_end}）が"
        "あるため変更できません。先に下書きを取り消し、変更後に作り直してください。"
    )
