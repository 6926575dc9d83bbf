import { clientAddressKey } from './client-address';

describe('clientAddressKey: one key per IPv4 address, per /64 for IPv6', () => {
  it('keeps IPv4 addresses, also IPv4-mapped ones', () => {
    expect(clientAddressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(clientAddressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
  });

  it('keys every address of one IPv6 /64 alike, whatever its spelling', () => {
    const keys = ['2001:db8:0:1::1', '2001:DB8:0:1:ffff:ffff:ffff:ffff', '2001:0db8:0000:0001:0:0:0:2', '2001:db8:0:1::1%eth0'].map(clientAddressKey);
    expect(new Set(keys)).toEqual(new Set(['2001:db8:0:1::/64']));
  });

  it('keeps different /64 prefixes apart', () => {
    expect(clientAddressKey('2001:db8:0:2::1')).not.toBe(clientAddressKey('2001:db8:0:1::1'));
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1.2.3.4')).toBe('fe80:0:0:0::/64');
  });
});
