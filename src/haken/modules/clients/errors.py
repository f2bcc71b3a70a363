"""Catalog errors of the clients area (CLIENT_, SITE_, UNIT_)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class CorporateNumberInvalidError(HakenError):
    code = "CLIENT_CORPORATE_NUMBER_INVALID"
    status_code = 422
    message_en = "The corporate number must be 13 digits with a valid check digit."
    message_ja = "法人番号は検査用数字が正しい13桁の数字で入力してください。"


class CorporateNumberTakenError(HakenError):
    code = "CLIENT_CORPORATE_NUMBER_TAKEN"
    status_code = 409
    message_en = "Another client already has this corporate number."
    message_ja = "この法人番号の派遣先は既に登録されています。"


class InvoiceNumberInvalidError(HakenError):
    code = "CLIENT_INVOICE_NUMBER_INVALID"
    status_code = 422
    message_en = (
        "The invoice registration number must be T followed by 13 digits "
        "(for a corporation, T followed by its corporate number)."
    )
    message_ja = "登録番号は T＋13桁の数字です（法人は T＋法人番号）。"


class InvoiceNumberMismatchError(HakenError):
    code = "CLIENT_INVOICE_NUMBER_MISMATCH"
    status_code = 422
    message_en = (
        "A corporation's invoice registration number is T followed by its corporate number."
    )
    message_ja = "法人の登録番号は T＋法人番号です。法人番号と一致しません。"


class ClientArchivedError(HakenError):
    code = "CLIENT_ARCHIVED"
    status_code = 409
    message_en = "The client is archived; restore it before adding to it."
    message_ja = "この派遣先はアーカイブ済みです。追加する前に復元してください。"


class SiteNoDispatchStartError(HakenError):
    code = "SITE_NO_DISPATCH_START"
    status_code = 422
    message_en = "Record the date dispatch to this site started before recording an extension."
    message_ja = "延長を登録する前に、この事業所への派遣開始日を登録してください。"


class SiteExtensionLateError(HakenError):
    code = "SITE_EXTENSION_HEARING_LATE"
    status_code = 422
    message_en = (
        "The hearing must take place by {deadline}, one month before the conflict date "
        "{conflict_date}; a later hearing cannot extend the limit."
    )
    message_ja = (
        "意見聴取は抵触日（{conflict_date}）の1か月前の {deadline} までに行う必要があります。"
        "それより後の意見聴取では延長できません。"
    )


class SiteExtensionBeforeStartError(HakenError):
    code = "SITE_EXTENSION_BEFORE_START"
    status_code = 422
    message_en = "The hearing date is before dispatch to this site started."
    message_ja = "意見聴取日が派遣開始日より前です。"


class UnitSiteArchivedError(HakenError):
    code = "UNIT_SITE_ARCHIVED"
    status_code = 409
    message_en = "The unit's site or client is archived; restore it first."
    message_ja = "この組織単位の事業所（または派遣先）はアーカイブ済みです。先に復元してください。"
