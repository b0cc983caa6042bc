package dev.pushbench.client.sse;

import dev.pushbench.core.Clocks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns the bytes of a {@code text/event-stream} into events exactly as the WHATWG HTML standard
 * interprets them ("Server-sent events", parsing and interpreting an event stream), without
 * allocating per line or per event once its buffers have grown to the largest event seen: the
 * load generator's SSE subscriber feeds it every chunk it receives.
 *
 * <pre>
 *   EventFields fields = new EventFields();
 *   SseParser parser = new SseParser(event -&gt; {
 *       if (event.eventTypeIs("push") &amp;&amp; fields.parse(event.data(), 0, event.dataLength())) {
 *           listener.delivered(fields.seq(), fields.intendedNanos(), Clocks.nanoTime());
 *       }
 *   });
 *   parser.feed(chunk);                  // as bytes arrive, split anywhere, even inside a character
 *   long cursor = parser.lastEventIdAsLong();  // the server's "id: cursor" preamble sets it at once
 *   ... the connection ends ...
 *   parser.reset();                      // reconnect with "Last-Event-ID: " + parser.lastEventId()
 * </pre>
 *
 * <p>Lifecycle: one parser per subscriber, reused across its reconnections with {@link #reset()};
 * confined to one thread at a time. Listener callbacks run inside {@code feed} on the calling
 * thread and must not call {@code feed} or {@code reset}. A line is acted on as soon as its line end
 * arrives (a CR dispatches at once; an LF right after it, even in the next chunk, is skipped), so an
 * event is never held back waiting for more bytes.
 *
 * <p>The stream is kept as UTF-8 bytes and decoded only by the accessors that return a String.
 * Splitting lines and fields on bytes gives what the standard's decode-then-split gives because CR,
 * LF, colon, space and NUL never occur inside a multi-byte UTF-8 sequence. Field values are not
 * collected into a line buffer: {@code data} values go straight into the data buffer, which doubles
 * when it must grow and never shrinks, so a parser holds at most about twice its largest event's
 * data; comments and unknown fields cost no memory however long they are.
 *
 * <p>One deliberate reading of the standard: it gives every stream a fresh, empty last event ID
 * buffer, so taken literally the first event of a reconnected stream that carries no {@code id:}
 * would reset the last event ID to "" and a second reconnection would silently resume from the
 * start. Browsers seed the buffer with the last event ID instead, and so does {@link #reset()}. *
 * <p>This class is long because it is one state machine over bytes: the line, field and value states,
 * the CR/LF carry across chunks and the accessors share the same buffers, and splitting them into
 * classes would put a call between every byte and its state on the hot path.
 */
public final class SseParser {

    /** Receives what the stream says; callbacks run inside {@code feed}. */
    public interface Listener {
        /** An event was dispatched; the parser's accessors describe it until this call returns. */
        void onEvent(SseParser event);

        /** A valid retry: field (milliseconds). */
        default void onRetry(long millis) {}

        /** A comment line (starts with ':'), e.g. a heartbeat. */
        default void onComment() {}

        /**
         * A blank line ended a block that had an {@code id:} field but no data: the last event ID is
         * set, no event is dispatched. The pushbench server opens every stream so, to say which
         * cursor it starts after.
         */
        default void onIdWithoutData(SseParser parser) {}
    }

    private static final byte LF = '\n';
    private static final byte CR = '\r';
    private static final byte COLON = ':';
    private static final byte SPACE = ' ';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final String DEFAULT_TYPE = "message";
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;
    /** Direct and read-only buffers are copied through an array of this size. */
    private static final int SCRATCH_BYTES = 8192;

    // where the parser is inside the current line
    private static final int NAME = 0;
    private static final int VALUE_START = 1;
    private static final int VALUE = 2;

    // what the current line's value is for
    private static final int IGNORED = 0;
    private static final int COMMENT = 1;
    private static final int DATA = 2;
    private static final int EVENT = 3;
    private static final int ID = 4;
    private static final int RETRY = 5;

    // field names packed big-endian into a long, compared together with their length
    private static final int LONGEST_NAME = 5;
    private static final long NAME_DATA = pack("data");
    private static final long NAME_EVENT = pack("event");
    private static final long NAME_ID = pack("id");
    private static final long NAME_RETRY = pack("retry");

    private final Listener listener;

    /** Bytes of the leading BOM matched so far; {@code BOM.length} once the stream start is past. */
    private int bomMatched;
    /** The previous byte was a CR: an LF now is the second half of the same line end. */
    private boolean afterCr;
    private int state = NAME;
    private long name;
    /** Bytes of the field name so far, counted up to {@code LONGEST_NAME + 1} (then it is unknown). */
    private int nameLength;
    private int field = IGNORED;

    private byte[] data = new byte[256];
    private int dataLength;
    private byte[] type = new byte[16];
    private int typeLength;

    /** The value of the {@code id:} line being read; it becomes the buffer only if the line has no NUL. */
    private byte[] idValue = new byte[16];
    private int idValueLength;
    private boolean idValueHasNul;
    /** The standard's "last event ID buffer". */
    private byte[] idBuffer = new byte[16];
    private int idBufferLength;
    private long idBufferNumber = -1;
    /** An id: field was taken since the last dispatch. */
    private boolean idInBlock;
    /** The standard's "last event ID string", set from the buffer on every dispatch. */
    private byte[] lastId = new byte[16];
    private int lastIdLength;
    private long lastIdNumber = -1;
    /** {@link #lastEventId()} decoded on first use after a change. */
    private String lastIdText = "";

    /** The value of the {@code retry:} line being read, whether it has a digit, and whether it broke the rules. */
    private long retryValue;
    private boolean retryDigits;
    private boolean retryRejected;
    private long retryMillis = -1;

    private byte[] scratch;

    public SseParser(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Parses {@code length} bytes of the stream from {@code bytes[offset]}; any split is fine. */
    public void feed(byte[] bytes, int offset, int length) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int at = offset;
        int end = offset + length;
        if (bomMatched < BOM.length) {
            at = skipBom(bytes, at, end);
        }
        parse(bytes, at, end);
    }

    /** Parses the buffer's remaining bytes and leaves it with none; keeps no reference to it. */
    public void feed(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.hasArray()) {
            int position = buffer.position();
            int length = buffer.remaining();
            buffer.position(buffer.limit());
            feed(buffer.array(), buffer.arrayOffset() + position, length);
            return;
        }
        if (scratch == null) {
            scratch = new byte[SCRATCH_BYTES];
        }
        while (buffer.hasRemaining()) {
            int length = Math.min(scratch.length, buffer.remaining());
            buffer.get(scratch, 0, length);
            feed(scratch, 0, length);
        }
    }

    /**
     * The UTF-8 bytes of the event's data, in {@code [0, dataLength())}, with the trailing LF
     * removed; lines of a multi-line data field are joined by LF. The array is the parser's own:
     * read it during {@link Listener#onEvent}, never keep or modify it.
     */
    public byte[] data() {
        return data;
    }

    public int dataLength() {
        return dataLength;
    }

    /**
     * Whether the event type is {@code type} ({@code "message"} when the event had no or an empty
     * {@code event:} field), compared with the received bytes without allocating. Differs from
     * {@code eventType().equals(type)} only when the server sent malformed UTF-8.
     */
    public boolean eventTypeIs(String type) {
        Objects.requireNonNull(type, "type");
        if (typeLength == 0) {
            return DEFAULT_TYPE.equals(type);
        }
        return utf8Equals(this.type, typeLength, type);
    }

    /** The event type as a String; allocates, so the hot path uses {@link #eventTypeIs(String)}. */
    public String eventType() {
        return typeLength == 0 ? DEFAULT_TYPE : new String(type, 0, typeLength, StandardCharsets.UTF_8);
    }

    /**
     * The standard's last event ID string: "" initially, then the last {@code id:} value as of the
     * latest dispatch, including dispatches without data (a blank line after {@code id:} alone).
     * This is what to send as {@code Last-Event-ID}. Decoded once per change.
     */
    public String lastEventId() {
        String text = lastIdText;
        if (text == null) {
            text = new String(lastId, 0, lastIdLength, StandardCharsets.UTF_8);
            lastIdText = text;
        }
        return text;
    }

    /** Whether {@link #lastEventId()} is a decimal number (ASCII digits only) that fits in a long. */
    public boolean lastEventIdIsNumber() {
        return lastIdNumber >= 0;
    }

    /** {@link #lastEventId()} as a number, or -1 if it is not one; never allocates. */
    public long lastEventIdAsLong() {
        return lastIdNumber;
    }

    /** The reconnection time the server last set with a valid {@code retry:}, or -1 if none yet. */
    public long retryMillis() {
        return retryMillis;
    }

    /**
     * Prepares for the stream of a new connection: forgets the partial line, the data and event
     * type buffers and whether the BOM was seen, and keeps the last event ID (which also seeds the
     * new stream's last event ID buffer, see the type's notes) and the retry time.
     */
    public void reset() {
        bomMatched = 0;
        afterCr = false;
        state = NAME;
        name = 0;
        nameLength = 0;
        field = IGNORED;
        dataLength = 0;
        typeLength = 0;
        idValueLength = 0;
        idInBlock = false;
        idBuffer = ensure(idBuffer, 0, lastIdLength, "last event ID");
        System.arraycopy(lastId, 0, idBuffer, 0, lastIdLength);
        idBufferLength = lastIdLength;
        idBufferNumber = lastIdNumber;
    }

    /** Consumes the leading BOM, or gives back the bytes that looked like its start. */
    private int skipBom(byte[] bytes, int at, int end) {
        while (at < end && bomMatched < BOM.length) {
            if (bytes[at] != BOM[bomMatched]) {
                int heldBack = bomMatched;
                bomMatched = BOM.length;
                parse(BOM, 0, heldBack);
                return at;
            }
            bomMatched++;
            at++;
        }
        return at;
    }

    private void parse(byte[] bytes, int at, int end) {
        while (at < end) {
            byte b = bytes[at];
            if (afterCr) {
                afterCr = false;
                if (b == LF) {
                    at++;
                    continue;
                }
            }
            if (state == VALUE) {
                int lineEnd = at;
                while (lineEnd < end && bytes[lineEnd] != LF && bytes[lineEnd] != CR) {
                    lineEnd++;
                }
                value(bytes, at, lineEnd - at);
                if (lineEnd == end) {
                    return;
                }
                afterCr = bytes[lineEnd] == CR;
                at = lineEnd + 1;
                endLine();
            } else if (state == VALUE_START) {
                state = VALUE;
                if (b == SPACE) {
                    at++;
                }
            } else if (b == COLON) {
                at++;
                startValue();
            } else if (b == LF || b == CR) {
                at++;
                afterCr = b == CR;
                if (nameLength == 0) {
                    dispatch();
                } else {
                    // a line without a colon is a field name with an empty value
                    startValue();
                    endLine();
                }
            } else {
                at++;
                if (nameLength <= LONGEST_NAME) {
                    name = name << 8 | (b & 0xFF);
                    nameLength++;
                }
            }
        }
    }

    private void startValue() {
        state = VALUE_START;
        if (nameLength == 0) {
            field = COMMENT;
        } else if (nameLength == 4 && name == NAME_DATA) {
            field = DATA;
        } else if (nameLength == 5 && name == NAME_EVENT) {
            field = EVENT;
            typeLength = 0;
        } else if (nameLength == 2 && name == NAME_ID) {
            field = ID;
            idValueLength = 0;
            idValueHasNul = false;
        } else if (nameLength == 5 && name == NAME_RETRY) {
            field = RETRY;
            retryValue = 0;
            retryDigits = false;
            retryRejected = false;
        } else {
            field = IGNORED;
        }
    }

    /**
     * A run of value bytes, without line ends. Data and the event type are written in place: a line
     * cut off by the end of a stream never reaches a dispatch, because {@link #reset()} clears them.
     */
    private void value(byte[] bytes, int from, int length) {
        switch (field) {
            case DATA:
                data = ensure(data, dataLength, (long) dataLength + length, "event data");
                System.arraycopy(bytes, from, data, dataLength, length);
                dataLength += length;
                break;
            case EVENT:
                type = ensure(type, typeLength, (long) typeLength + length, "event type");
                System.arraycopy(bytes, from, type, typeLength, length);
                typeLength += length;
                break;
            case ID:
                idValue = ensure(idValue, idValueLength, (long) idValueLength + length, "event ID");
                for (int i = 0; i < length; i++) {
                    byte b = bytes[from + i];
                    idValueHasNul |= b == 0;
                    idValue[idValueLength + i] = b;
                }
                idValueLength += length;
                break;
            case RETRY:
                for (int i = from; i < from + length && !retryRejected; i++) {
                    int digit = bytes[i] - '0';
                    if (digit < 0 || digit > 9 || retryValue > (Long.MAX_VALUE - digit) / 10) {
                        retryRejected = true;
                    } else {
                        retryValue = retryValue * 10 + digit;
                        retryDigits = true;
                    }
                }
                break;
            default:
                break;
        }
    }

    /** Applies the field of the line just ended; state is ready for the next line before any callback. */
    private void endLine() {
        int ended = field;
        state = NAME;
        name = 0;
        nameLength = 0;
        field = IGNORED;
        switch (ended) {
            case COMMENT:
                listener.onComment();
                break;
            case DATA:
                data = ensure(data, dataLength, (long) dataLength + 1, "event data");
                data[dataLength++] = LF;
                break;
            case ID:
                if (!idValueHasNul) {
                    byte[] swap = idBuffer;
                    idBuffer = idValue;
                    idValue = swap;
                    idBufferLength = idValueLength;
                    idBufferNumber = decimal(idBuffer, idBufferLength);
                    idInBlock = true;
                }
                break;
            case RETRY:
                // "consists of only ASCII digits": an empty value, an overflow or any other byte is ignored
                if (retryDigits && !retryRejected) {
                    retryMillis = retryValue;
                    listener.onRetry(retryValue);
                }
                break;
            default:
                break;
        }
    }

    private void dispatch() {
        if (!Arrays.equals(idBuffer, 0, idBufferLength, lastId, 0, lastIdLength)) {
            lastId = ensure(lastId, 0, idBufferLength, "last event ID");
            System.arraycopy(idBuffer, 0, lastId, 0, idBufferLength);
            lastIdLength = idBufferLength;
            lastIdNumber = idBufferNumber;
            lastIdText = null;
        }
        boolean idSet = idInBlock;
        idInBlock = false;
        if (dataLength == 0) {
            typeLength = 0;
            if (idSet) {
                listener.onIdWithoutData(this);
            }
            return;
        }
        dataLength--; // the LF after the last data line; every data line ends in one
        try {
            listener.onEvent(this);
        } finally {
            dataLength = 0;
            typeLength = 0;
        }
    }

    /** The value of 1 to 19 ASCII digits that fits in a long, else -1. */
    private static long decimal(byte[] bytes, int length) {
        if (length == 0) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < length; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || value > (Long.MAX_VALUE - digit) / 10) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** {@code array}, or a copy of its first {@code used} bytes at least twice as large, holding {@code required}. */
    private static byte[] ensure(byte[] array, int used, long required, String what) {
        if (required <= array.length) {
            return array;
        }
        if (required > MAX_BUFFER_BYTES) {
            throw new IllegalStateException("SSE " + what + " must fit in " + MAX_BUFFER_BYTES
                    + " bytes, got at least " + required + " bytes");
        }
        byte[] grown = new byte[(int) Math.min(MAX_BUFFER_BYTES, Math.max(required, 2L * array.length))];
        System.arraycopy(array, 0, grown, 0, used);
        return grown;
    }

    /** Whether {@code bytes[0, length)} is the UTF-8 encoding of {@code text}. */
    private static boolean utf8Equals(byte[] bytes, int length, String text) {
        int at = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                return false; // a lone surrogate has no UTF-8 form, so no received type decodes to it
            }
            if (codePoint < 0x80) {
                if (at + 1 > length || bytes[at] != codePoint) {
                    return false;
                }
                at += 1;
            } else if (codePoint < 0x800) {
                if (at + 2 > length
                        || bytes[at] != (byte) (0xC0 | codePoint >> 6)
                        || bytes[at + 1] != (byte) (0x80 | codePoint & 0x3F)) {
                    return false;
                }
                at += 2;
            } else if (codePoint < 0x10000) {
                if (at + 3 > length
                        || bytes[at] != (byte) (0xE0 | codePoint >> 12)
                        || bytes[at + 1] != (byte) (0x80 | codePoint >> 6 & 0x3F)
                        || bytes[at + 2] != (byte) (0x80 | codePoint & 0x3F)) {
                    return false;
                }
                at += 3;
            } else {
                if (at + 4 > length
                        || bytes[at] != (byte) (0xF0 | codePoint >> 18)
                        || bytes[at + 1] != (byte) (0x80 | codePoint >> 12 & 0x3F)
                        || bytes[at + 2] != (byte) (0x80 | codePoint >> 6 & 0x3F)
                        || bytes[at + 3] != (byte) (0x80 | codePoint & 0x3F)) {
                    return false;
                }
                at += 4;
            }
        }
        return at == length;
    }

    private static long pack(String ascii) {
        long packed = 0;
        for (int i = 0; i < ascii.length(); i++) {
            packed = packed << 8 | ascii.charAt(i);
        }
        return packed;
    }
}
