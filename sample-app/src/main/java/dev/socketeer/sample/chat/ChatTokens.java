package dev.socketeer.sample.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed chat tokens: {@code base64url(session:expiry:nickname) "." base64url(HMAC-SHA256)}. A token proves that this
 * server (or a node sharing its key) gave the nickname to one chat session; the page sends it in the Socket.IO
 * {@code auth} payload, and {@link ChatAuthentication} checks it before a socket joins.
 */
final class ChatTokens {

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /**
     * A DRBG seeded once, when this class loads (at startup): tokens are issued on event loops, where the default
     * {@code SecureRandom} would read {@code /dev/urandom} for every call.
     */
    private static final SecureRandom RANDOM = seededRandom();

    /** Who a valid token belongs to: a nickname and the chat session it was issued to. */
    record ChatUser(String nickname, String session) {
    }

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final Clock clock;

    ChatTokens(byte[] secret, Duration lifetime, Clock clock) {
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    private static SecureRandom seededRandom() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[1]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom", e);
        }
    }

    /** A random key of 32 bytes, for a single node that was given none. */
    static byte[] randomSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** A token for a nickname in a new session. */
    String issue(String nickname) {
        byte[] session = new byte[12];
        RANDOM.nextBytes(session);
        return issue(new ChatUser(nickname, ENCODER.encodeToString(session)));
    }

    /** A fresh token for a session that proved itself (its old token may be close to expiring). */
    String issue(ChatUser user) {
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        String claims = ENCODER.encodeToString((user.session() + ":" + expiry + ":" + user.nickname())
                .getBytes(StandardCharsets.UTF_8));
        return claims + "." + ENCODER.encodeToString(sign(claims));
    }

    /** The user of a token signed with this key and not expired; empty for anything else. */
    Optional<ChatUser> verify(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || token.length() > 512) {
            return Optional.empty();
        }
        String claims = token.substring(0, dot);
        byte[] signature;
        String[] parts;
        try {
            signature = DECODER.decode(token.substring(dot + 1));
            parts = new String(DECODER.decode(claims), StandardCharsets.UTF_8).split(":", 3);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // constant-time comparison: the time taken tells nothing about how much of a forged signature was right
        if (!MessageDigest.isEqual(sign(claims), signature) || parts.length != 3) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(parts[1]) < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new ChatUser(parts[2], parts[0]));
    }

    private byte[] sign(String claims) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(claims.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
