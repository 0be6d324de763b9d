"""The embedded broker: kombu's SQLAlchemy transport, made safe to lose a process.

kombu's transport marks a message invisible when it is fetched and never deletes it; a consumer
killed before its ack loses the message for good, and acked rows pile up. This transport deletes a
row when its message is acked or rejected, puts an unacked message back in place (not a copy) when a
channel closes, and `recover_stale()` makes visible again what a killed consumer had fetched.
"""

from __future__ import annotations

import datetime

from kombu.transport import sqlalchemy as sqla
from kombu.transport.virtual.base import Empty
from kombu.utils.encoding import bytes_to_str
from kombu.utils.json import loads
from sqlalchemy import event, text

ROW_ID = "x-embedded-row-id"


class Channel(sqla.Channel):
    def _open(self):
        engine, session_factory = super()._open()
        if engine.dialect.name == "sqlite" and not getattr(engine, "_bridge_pragmas", False):
            engine._bridge_pragmas = True

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=30000")
                cursor.close()

            engine.dispose()
        return engine, session_factory

    def _get(self, queue):
        obj = self._get_or_create(queue)
        if self.session.bind.name == "sqlite":
            self.session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            msg = (
                self.session.query(self.message_cls)
                .with_for_update(skip_locked=True)
                .filter(self.message_cls.queue_id == obj.id)
                .filter(self.message_cls.visible != False)  # noqa: E712 - SQL expression
                .order_by(self.message_cls.id)
                .limit(1)
                .first()
            )
            if msg is None:
                raise Empty()
            msg.visible = False
            payload = loads(bytes_to_str(msg.payload))
            payload.setdefault("properties", {})[ROW_ID] = msg.id
            return payload
        finally:
            self.session.commit()

    def _row_of(self, delivery_tag) -> int | None:
        message = self.qos._delivered.get(delivery_tag)
        return None if message is None else message.properties.get(ROW_ID)

    def _delete_row(self, row_id: int | None) -> None:
        if row_id is None:
            return
        self.session.query(self.message_cls).filter(self.message_cls.id == row_id).delete()
        self.session.commit()

    def basic_ack(self, delivery_tag, multiple=False):
        row_id = self._row_of(delivery_tag)
        super().basic_ack(delivery_tag, multiple=multiple)
        self._delete_row(row_id)

    def basic_reject(self, delivery_tag, requeue=False):
        row_id = self._row_of(delivery_tag)
        super().basic_reject(delivery_tag, requeue=requeue)  # requeue → _restore() below
        if not requeue:
            self._delete_row(row_id)

    def _restore(self, message):
        row_id = message.properties.get(ROW_ID)
        if row_id is None:
            return super()._restore(message)
        self._make_visible(row_id)

    def _make_visible(self, row_id: int) -> None:
        self.session.query(self.message_cls).filter(self.message_cls.id == row_id).update({"visible": True})
        self.session.commit()

    def recover_stale(self, older_than_seconds: float) -> int:
        """Make visible again what a consumer fetched and never settled (it was killed)."""
        cutoff = datetime.datetime.now() - datetime.timedelta(seconds=older_than_seconds)
        held = {m.properties.get(ROW_ID) for m in self.qos._delivered.values()}
        query = (
            self.session.query(self.message_cls)
            .filter(self.message_cls.visible == False)  # noqa: E712 - SQL expression
            .filter(self.message_cls.sent_at < cutoff)
        )
        if held:
            query = query.filter(self.message_cls.id.notin_([h for h in held if h is not None]))
        count = query.update({"visible": True}, synchronize_session=False)
        self.session.commit()
        return count


class Transport(sqla.Transport):
    Channel = Channel
    # Poll often: the embedded default should feel as quick as a real broker for one user.
    polling_interval = 0.05
