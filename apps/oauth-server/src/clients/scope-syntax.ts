/**
 * RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*NQCHAR
 * (%x21 / %x23-5B / %x5D-7E). The one definition, for registered metadata and for requests.
 */
export const SCOPE_LIST = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
