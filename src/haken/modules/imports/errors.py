"""Catalog errors of the master-data imports (IMPORTS_)."""

from __future__ import annotations

from haken.platform.errors import HakenError


class ImportUnreadableError(HakenError):
    code = "IMPORTS_UNREADABLE"
    status_code = 422
    fields = ("file",)
    message_en = "The file could not be read as CSV (UTF-8 or Shift-JIS) or Excel (.xlsx): {reason}"
    message_ja = (
        "ファイルをCSV（UTF-8またはShift-JIS）またはExcel（.xlsx）として読めません：{reason}"
    )


class ImportEmptyError(HakenError):
    code = "IMPORTS_EMPTY"
    status_code = 422
    fields = ("file",)
    message_en = "The file has no data rows below its header."
    message_ja = "ファイルに見出し行より下のデータ行がありません。"


class ImportNoMappingError(HakenError):
    code = "IMPORTS_NO_MAPPING"
    status_code = 409
    message_en = "This source has no column mapping yet; save one before checking its file."
    message_ja = "この取込元の列の対応付けが未登録です。先に対応付けを保存してください。"


class ImportMappingInvalidError(HakenError):
    code = "IMPORTS_MAPPING_INVALID"
    status_code = 422
    fields = ("columns",)
    message_en = "Map every required field of this kind of file (marked required on the form)."
    message_ja = "この種類のファイルの必須項目（画面で必須と表示）をすべて対応付けてください。"


class ImportColumnMissingError(HakenError):
    code = "IMPORTS_COLUMN_MISSING"
    status_code = 422
    fields = ("file",)
    message_en = "The file has no column {column} (mapped to {field}) in its header row {row}."
    message_ja = "ファイルの見出し行（{row}行目）に列「{column}」（{field}）がありません。"


class ImportInvalidValueError(HakenError):
    code = "IMPORTS_INVALID_VALUE"
    status_code = 422
    message_en = "The value is not accepted: {problem}"
    message_ja = "この値は受け付けられません：{problem}"


class ImportDuplicateInFileError(HakenError):
    code = "IMPORTS_DUPLICATE_IN_FILE"
    status_code = 422
    message_en = "The same value is already on line {line} of this file."
    message_ja = "同じ値がこのファイルの {line} 行目にもあります。"


class ImportHasErrorsError(HakenError):
    code = "IMPORTS_HAS_ERRORS"
    status_code = 422
    message_en = "{count} row(s) of the file have problems; correct the file and upload it again."
    message_ja = (
        "ファイルの {count} 行に問題があります。ファイルを修正して再度アップロードしてください。"
    )


class ImportBusyError(HakenError):
    code = "IMPORTS_BUSY"
    status_code = 409
    message_en = "This file is being checked or imported; wait until it finishes."
    message_ja = "このファイルは確認中または取込中です。終わるまでお待ちください。"


class ImportNotCheckedError(HakenError):
    code = "IMPORTS_NOT_CHECKED"
    status_code = 409
    message_en = "This file has not been checked yet; save its column mapping first."
    message_ja = "このファイルはまだ確認されていません。先に列の対応付けを保存してください。"


class ImportReferenceNotFoundError(HakenError):
    """A row names a client, site, unit, employee or contract the system does not have."""

    code = "IMPORTS_REFERENCE_NOT_FOUND"
    status_code = 422
    message_en = "No {kind_en} matches “{value}” (import or register it first)."
    message_ja = "「{value}」に当たる{kind_ja}がありません（先に登録または取込してください）。"


class ImportReferenceAmbiguousError(HakenError):
    code = "IMPORTS_REFERENCE_AMBIGUOUS"
    status_code = 422
    message_en = "More than one {kind_en} matches “{value}”; name it more precisely."
    message_ja = "「{value}」に当たる{kind_ja}が複数あります。より詳しく指定してください。"


class ImportUnitMismatchError(HakenError):
    code = "IMPORTS_UNIT_MISMATCH"
    status_code = 422
    message_en = "The contract is for another unit than “{value}”."
    message_ja = "この契約の組織単位は「{value}」ではありません。"
