"""The sync log a manager reads: what the sync worker did, and what the server refused.

Refused operations are never dropped (SYNC.md: "a sale is never silently
dropped"): they wait here, with the server's reason, until a manager has
fixed the cause and sends them again. Both lists are small (the log is read
200 rows at a time, refusals are rare), so each is read whole on a worker
and shown by a plain table model.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from shop_desktop.data.models import Role
from shop_desktop.services.sync.engine import (
    OpNotRejected,
    RejectedOp,
    SyncLogRow,
    read_sync_log,
    rejected_ops,
    retry_rejected,
)
from shop_desktop.services.sync.push import TOO_LARGE
from shop_desktop.ui.context import ShopContext
from shop_desktop.ui.i18n import say
from shop_desktop.ui.sync.controller import SyncController
from shop_desktop.ui.sync.wording import (
    log_entry_text,
    op_type_name,
    refusal_reason,
    refused_op_summary,
)
from shop_desktop.ui.tasks import BackgroundOp, Job

log = logging.getLogger(__name__)

MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
#: How many log rows are read: the newest, which are the ones that matter.
LOG_ROWS = 200

ModelIndex = QModelIndex | QPersistentModelIndex
_LEVEL_COLOURS = {"warning": "#b06000", "error": "#b3261e"}
Record = TypeVar("Record")


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class _RecordsModel(QAbstractTableModel, Generic[Record]):
    """A read-only table of small records, one column a named field of the record.

    Both of the dialog's lists are whole lists read on a worker, shown one field
    a column; only their order, their headings and the extra roles differ, which
    the subclasses give. Headings stay in each subclass so that lupdate files them
    under that class's name.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Record] = []

    def set_rows(self, rows: list[Record]) -> None:
        self.beginResetModel()
        self.rows = self._ordered(rows)
        self.endResetModel()

    def _ordered(self, rows: list[Record]) -> list[Record]:
        """The rows in the order they are shown."""
        raise NotImplementedError

    def language_changed(self) -> None:
        """Headings and cells are worded again; views sized to contents follow."""
        last = len(self.COLUMNS) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, last))

    def _titles(self) -> dict[str, str]:
        """Each column's heading, translated."""
        raise NotImplementedError

    def _other_role(self, record: Record, column: str, role: int) -> Any:
        """What a role other than display shows for a cell (``None``: nothing)."""
        return None

    @override
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    @override
    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return self._titles()[self.COLUMNS[section]]

    @override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(record, column)
        return self._other_role(record, column, role)

    def _text(self, record: Record, column: str) -> str:
        """What a cell shows: the record's field, times in local time."""
        value = getattr(record, column)
        return _local(value) if isinstance(value, datetime) else str(value)


class SyncLogModel(_RecordsModel[SyncLogRow]):
    """Rows of the ``sync_log`` table, newest first, worded in the user's language.

    The message column words each row's event from its facts; the stored English
    message (also in the log file) is the tooltip's detail, and the text itself
    only for rows this app cannot word (see ``wording.log_entry_text``).
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("at", "kind", "level", "message")

    @override
    def _ordered(self, rows: list[SyncLogRow]) -> list[SyncLogRow]:
        return sorted(rows, key=lambda row: row.at, reverse=True)

    @override
    def _titles(self) -> dict[str, str]:
        return {
            "at": self.tr("Time"),
            "kind": self.tr("What"),
            "level": self.tr("Level"),
            "message": self.tr("Message"),
        }

    def _kind_name(self, kind: str) -> str:
        names = {
            "push": self.tr("Sending"),
            "pull": self.tr("Receiving"),
            "error": self.tr("Problem"),
            "enrol": self.tr("Enrolment"),
            "bootstrap": self.tr("Catalog load"),
            "settings": self.tr("Settings"),
        }
        return names.get(kind, kind)

    def _level_name(self, level: str) -> str:
        names = {
            "info": self.tr("Information"),
            "warning": self.tr("Warning"),
            "error": self.tr("Error"),
        }
        return names.get(level, level)

    @override
    def _text(self, record: SyncLogRow, column: str) -> str:
        if column == "message":
            return log_entry_text(record.details, record.message)
        if column == "kind":
            return self._kind_name(record.kind)
        if column == "level":
            return self._level_name(record.level)
        return super()._text(record, column)

    @override
    def _other_role(self, record: SyncLogRow, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == "message":
            # The worded sentence, then the English detail and facts for whoever
            # reads the log file or helps on the phone.
            details = record.details or {}
            lines = [
                log_entry_text(details, record.message),
                record.message,
                *(f"{key}: {value}" for key, value in details.items()),
            ]
            return "\n".join(dict.fromkeys(lines))
        if role == Qt.ItemDataRole.ForegroundRole and record.level in _LEVEL_COLOURS:
            return QColor(_LEVEL_COLOURS[record.level])
        return None


class RejectedOpsModel(_RecordsModel[RejectedOp]):
    """Operations the server refused for good, oldest first (the order they were made)."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "created_at",
        "op_type",
        "device_seq",
        "summary",
        "code",
    )

    def op_at(self, row: int) -> RejectedOp | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    @override
    def _ordered(self, rows: list[RejectedOp]) -> list[RejectedOp]:
        return sorted(rows, key=lambda row: row.device_seq)

    @override
    def _titles(self) -> dict[str, str]:
        return {
            "created_at": self.tr("Made at"),
            "op_type": self.tr("Operation"),
            "device_seq": self.tr("No."),
            "summary": self.tr("What"),
            "code": self.tr("Why the server refused it"),
        }

    @override
    def _text(self, record: RejectedOp, column: str) -> str:
        if column == "op_type":
            return op_type_name(record.op_type)
        if column == "code":
            # Worded from the code: the server's message is English server text.
            return refusal_reason(record.code)
        if column == "summary":
            return refused_op_summary(record)
        return super()._text(record, column)

    @override
    def _other_role(self, record: RejectedOp, column: str, role: int) -> Any:
        if role != Qt.ItemDataRole.ToolTipRole:
            return None
        lines = [refusal_reason(record.code)]
        if record.sentence and record.code != TOO_LARGE:
            # Too large is this workstation's own verdict (413), not a server message.
            lines.append(self.tr("Server says: {message}").format(message=record.sentence))
        lines.append(f"{record.op_type} · {record.code}")
        return "\n".join(lines)


class SyncLogDialog(QDialog):
    """Two tabs: the log, and the refused operations with "Send again"."""

    #: After an operation was queued again (the status bar's counts change).
    requeued = Signal(object)
    #: After both lists were (re)loaded; tests wait on it.
    loaded = Signal()

    def __init__(
        self,
        context: ShopContext,
        controller: SyncController | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = controller
        self.may_retry = context.staff.role in MANAGERS
        self.setObjectName("syncLogDialog")
        self.resize(980, 560)
        self.log_model = SyncLogModel(self)
        self.rejected_model = RejectedOpsModel(self)
        self.log_view = self._table(self.log_model)
        self.rejected_view = self._table(self.rejected_model)
        self.rejected_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tabs = QTabWidget()
        log_page = QWidget()
        QVBoxLayout(log_page).addWidget(self.log_view)
        rejected_page = QWidget()
        rejected_layout = QVBoxLayout(rejected_page)
        self.rejected_note = QLabel()
        self.rejected_note.setWordWrap(True)
        rejected_layout.addWidget(self.rejected_note)
        rejected_layout.addWidget(self.rejected_view, 1)
        actions = QHBoxLayout()
        rejected_layout.addLayout(actions)
        self.problem = QLabel()
        self.problem.setObjectName("syncLogProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        actions.addWidget(self.problem, 1)
        self.send_again = QPushButton()
        self.send_again.setObjectName("sendAgain")
        self.send_again.setEnabled(False)
        self.send_again.clicked.connect(self.retry_selected)
        actions.addWidget(self.send_again)
        self.tabs.addTab(log_page, "")
        self.tabs.addTab(rejected_page, "")
        buttons = QDialogButtonBox()
        self.reload_button = buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self.reload_button.clicked.connect(self.reload)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.last_op: BackgroundOp[Any] | None = None
        self.retranslate()
        if controller is not None:
            # A bound slot, not a lambda: Qt drops it when the dialog is deleted.
            controller.pass_finished.connect(self._on_pass_finished)
        self.reload()

    @classmethod
    def open_for(
        cls,
        context: ShopContext,
        controller: SyncController | None,
        parent: QWidget | None,
        *,
        tab: str = "log",
    ) -> SyncLogDialog | None:
        """Show the log (not modal: selling goes on behind it); managers only."""
        if context.staff.role not in MANAGERS:
            return None
        dialog = cls(context, controller, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.tabs.setCurrentIndex(1 if tab == "rejected" else 0)
        dialog.show()
        return dialog

    def _table(self, model: QAbstractTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return view

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Sync log"))
        self.log_model.language_changed()
        self.rejected_model.language_changed()
        self.tabs.setTabText(0, self.tr("Log"))
        self._name_refused_tab()
        self.send_again.setText(self.tr("Send again"))
        self.reload_button.setText(self.tr("Reload"))
        self.rejected_note.setText(
            self.tr(
                "The server refused these for good. They are kept here and not lost. Fix the"
                " cause (for example the product or member named), then send them again."
            )
        )
        self.send_again.setToolTip(
            self.tr("Put the chosen operation back in the queue; the next sync sends it.")
            if self.may_retry
            else self.tr("Only a manager can send refused operations again.")
        )

    def _name_refused_tab(self) -> None:
        count = getattr(self, "_refused_count", None)
        if count is None:
            self.tabs.setTabText(1, self.tr("Refused operations"))
        else:
            self.tabs.setTabText(1, self.tr("Refused operations ({count})").format(count=count))

    @override
    def changeEvent(self, event: Any) -> None:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- loading ----------------------------------------------------------------

    def _on_pass_finished(self, _report: object) -> None:
        self.reload()

    def reload(self) -> BackgroundOp[tuple[list[SyncLogRow], list[RejectedOp]]]:
        database = self.context.database

        def read(_job: Job) -> tuple[list[SyncLogRow], list[RejectedOp]]:
            return read_sync_log(database, limit=LOG_ROWS), rejected_ops(database)

        op: BackgroundOp[tuple[list[SyncLogRow], list[RejectedOp]]] = BackgroundOp(
            self, op=read, success=self._show
        )
        self.last_op = op
        return op.run()

    def _show(self, lists: tuple[list[SyncLogRow], list[RejectedOp]]) -> None:
        log_rows, refused = lists
        self.log_model.set_rows(log_rows)
        self.rejected_model.set_rows(refused)
        self._refused_count = len(refused)
        self._name_refused_tab()
        self._selection_changed()
        self.loaded.emit()

    def _already_sent(self, _refused: OpNotRejected) -> None:
        # Sent again from another window (or twice): the list was out of date.
        say(self.problem, lambda: self.tr("This operation was already sent again."))
        self.reload()

    # --- sending again ---------------------------------------------------------

    def selected_op(self) -> RejectedOp | None:
        rows = self.rejected_view.selectionModel().selectedRows()
        return self.rejected_model.op_at(rows[0].row()) if rows else None

    def select_op(self, row: int) -> None:
        self.rejected_view.selectRow(row)

    def _selection_changed(self, *_args: object) -> None:
        self.send_again.setEnabled(self.may_retry and self.selected_op() is not None)

    def retry_selected(self) -> BackgroundOp[None] | None:
        op = self.selected_op()
        if op is None or not self.may_retry:
            return None
        database = self.context.database
        op_id: uuid.UUID = op.op_id

        def queue(_job: Job) -> None:
            retry_rejected(database, op_id)

        self.send_again.setEnabled(False)
        background: BackgroundOp[None] = BackgroundOp(
            self, op=queue, success=lambda _none: self._requeued(op_id)
        )
        background.failure(self._already_sent, OpNotRejected)
        background.after_failure(self._selection_changed)
        self.last_op = background
        return background.run()

    def _requeued(self, op_id: uuid.UUID) -> None:
        self.problem.clear()
        self.requeued.emit(op_id)
        if self.controller is not None:
            # Send it now; the pass's end reloads both lists.
            self.controller.sync_now()
        self.reload()
