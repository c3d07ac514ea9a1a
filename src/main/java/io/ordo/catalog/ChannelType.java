package io.ordo.catalog;

/** Where orders of a channel come from. */
public enum ChannelType {
    WEB, MOBILE, MARKETPLACE, POS, PHONE, B2B
}
