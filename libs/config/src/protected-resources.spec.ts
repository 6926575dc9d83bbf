import { isResourceIndicator, parseProtectedResources } from './protected-resources';

describe('RFC 8707 §2 resource indicators in OAUTH_RESOURCES_FILE', () => {
  it.each(['https://api.example.com/', 'https://api.example.com/v1?tenant=a', 'urn:example:calendar', 'http://127.0.0.1:8080/mcp'])(
    'RFC 8707 §2: %s is an absolute URI without fragment',
    (uri) => expect(isResourceIndicator(uri)).toBe(true),
  );

  it.each(['https://api.example.com/#x', '/relative', 'api.example.com', 'https://api.example.com/a b', 'https://bücher.example/', ''])(
    'RFC 8707 §2: %j is refused (fragment, relative, no scheme, space, non-ASCII, empty)',
    (uri) => expect(isResourceIndicator(uri)).toBe(false),
  );

  it('RFC 8707 §2: reads uri, name, scopes and the optional access-token lifetime', () => {
    const [resource] = parseProtectedResources({ resources: [{ uri: 'https://mcp.example.com/mcp', name: 'MCP', scopes: ['mcp:tools'], access_token_ttl_seconds: 300 }] });
    expect(resource).toEqual({ uri: 'https://mcp.example.com/mcp', name: 'MCP', scopes: ['mcp:tools'], accessTokenTtlSeconds: 300 });
  });

  it('RFC 8707 §2: lists every problem with its key path', () => {
    const document = {
      resources: [
        { uri: 'https://a.example/#f', name: 'A' },
        { uri: 'https://b.example/', name: 'bad\u0007name', scopes: ['ok', 'has space'], access_token_ttl_seconds: 0, extra: 1 },
        { uri: 'https://c.example/', name: 'C' },
        { uri: 'https://c.example/', name: 'C again' },
      ],
    };
    expect(() => parseProtectedResources(document)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /resources\[0\]\.uri[\s\S]*resources\[1\]\.extra[\s\S]*resources\[1\]\.name[\s\S]*resources\[1\]\.scopes[\s\S]*resources\[1\]\.access_token_ttl_seconds[\s\S]*resources\[3\]\.uri: https:\/\/c\.example\/ is declared twice/,
        ),
      }),
    );
  });

  it('RFC 8707 §2: refuses a document without a resources list', () => {
    expect(() => parseProtectedResources({ resource: [] })).toThrow(/resource: unknown key[\s\S]*resources: must be a non-empty list/);
  });
});
