# Runs Debian's vicc (vsmartcard-vpicc 0.8) as an ICAO ePassport whose files come from a directory
# (EPASS_DATA_DIR: com, dg1, dg2, dg14?, dg15?, sod), for test/helpers/virtual-epassport.ts.
# Debian's package needs help on Python 3: its module sits outside sys.path, it imports PyCrypto's
# "Crypto" (Debian ships pycryptodome as "Cryptodome"), its ePass generator prompts for the MRZ, and
# its secure messaging treats bytes as Python 2 strings. BAC itself (ePass.PassportSAM) runs as shipped.
import sys, os
sys.path.insert(0, '/usr/lib/python3/site-packages/virtualsmartcard')
import Cryptodome
sys.modules['Crypto'] = Cryptodome
import Cryptodome.Cipher, Cryptodome.Hash
sys.modules['Crypto.Cipher'] = Cryptodome.Cipher
sys.modules['Crypto.Hash'] = Cryptodome.Hash
import virtualsmartcard.CryptoUtils as vsCrypto
vsCrypto.operation_on_string = lambda s1, s2, op: bytes(op(a, b) for a, b in zip(s1, s2))
from virtualsmartcard.CardGenerator import CardGenerator
from virtualsmartcard.SmartcardFilesystem import MF, DF, TransparentStructureEF
from virtualsmartcard.cards.ePass import PassportSAM
data_dir = os.environ['EPASS_DATA_DIR']
def read(name):
    with open(os.path.join(data_dir, name), 'rb') as f: return f.read()
def generate(self):
    """The ePass file system from EPASS_DATA_DIR instead of prompting for an MRZ and a photo."""
    mf = MF()
    df = DF(parent=mf, fid=4, dfname=b'\xa0\x00\x00\x02G\x10\x01', bertlv_data=[])
    for fid, name in ((0x011E,'com'),(0x0101,'dg1'),(0x0102,'dg2'),(0x010E,'dg14'),(0x010F,'dg15'),(0x011D,'sod')):
        if os.path.exists(os.path.join(data_dir, name)):
            df.append(TransparentStructureEF(parent=df, fid=fid, filedescriptor=0, data=read(name)))
    mf.append(df)
    self.mf = mf
    self.sam = PassportSAM(self.mf)
CardGenerator._CardGenerator__generate_ePass = generate

# ICAO 9303-11 secure messaging (3DES, BAC sessions) in Python 3: the packaged ePass SE still
# handles bytes as Python 2 strings.
from Cryptodome.Cipher import DES, DES3
from virtualsmartcard.cards.ePass import ePass_SE
from virtualsmartcard.utils import C_APDU
from virtualsmartcard.SWutils import SwError, SW

def pad(b):
    b = b + b'\x80'
    return b + b'\x00' * ((8 - len(b) % 8) % 8)

def unpad(b):
    b = b.rstrip(b'\x00')
    if not b or b[-1] != 0x80: raise SwError(SW["ERR_SECMESSOBJECTSINCORRECT"])
    return b[:-1]

def retail_mac(key, data):
    e1 = DES.new(key[:8], DES.MODE_ECB)
    h = bytes(8)
    for i in range(0, len(data), 8):
        h = e1.encrypt(bytes(a ^ b for a, b in zip(h, data[i:i + 8])))
    return e1.encrypt(DES.new(key[8:16], DES.MODE_ECB).decrypt(h))

def encode_length(n):
    if n < 0x80: return bytes([n])
    if n < 0x100: return bytes([0x81, n])
    return bytes([0x82, n >> 8, n & 0xff])

def data_objects(data):
    out, i = [], 0
    while i < len(data):
        tag, n = data[i], data[i + 1]
        j = i + 2
        if n & 0x80:
            k = n & 0x7f
            n = int.from_bytes(data[j:j + k], 'big')
            j += k
        out.append((tag, data[i:j + n], data[j:j + n]))
        i = j + n
    return out

def parse_SM_CAPDU(self, capdu, header_authentication):
    self.ssc += 1
    ssc = self.ssc.to_bytes(8, 'big')
    objects = data_objects(bytes(capdu.data))
    macs = [value for tag, raw, value in objects if tag == 0x8E]
    covered = b''.join(raw for tag, raw, value in objects if tag != 0x8E)
    header = pad(bytes([capdu.cla, capdu.ins, capdu.p1, capdu.p2]))
    if len(macs) != 1 or retail_mac(self.cct.key, pad(ssc + header + covered)) != macs[0]:
        raise SwError(SW["ERR_SECMESSOBJECTSINCORRECT"])
    data, le = b'', None
    for tag, raw, value in objects:
        if tag == 0x87:
            data = unpad(DES3.new(self.ct.key, DES3.MODE_CBC, bytes(8)).decrypt(value[1:]))
        elif tag == 0x97:
            le = int.from_bytes(value, 'big') or (256 if len(value) == 1 else 65536)
    apdu = bytes([capdu.cla & ~0x0C & 0xff, capdu.ins, capdu.p1, capdu.p2])
    extended = len(data) > 255 or (le or 0) > 256
    if data:
        apdu += (bytes([len(data)]) if not extended else bytes([0, len(data) >> 8, len(data) & 0xff])) + data
    if le is not None:
        if not extended: apdu += bytes([le & 0xff])
        else: apdu += (b'' if data else b'\x00') + bytes([(le >> 8) & 0xff, le & 0xff])
    return C_APDU(list(apdu))

def protect_response(self, sw, result):
    self.ssc += 1
    ssc = self.ssc.to_bytes(8, 'big')
    body = b''
    if result:
        encrypted = b'\x01' + DES3.new(self.ct.key, DES3.MODE_CBC, bytes(8)).encrypt(pad(bytes(result)))
        body += b'\x87' + encode_length(len(encrypted)) + encrypted
    body += b'\x99\x02' + sw.to_bytes(2, 'big')
    return sw, body + b'\x8e\x08' + retail_mac(self.cct.key, pad(ssc + body))

ePass_SE.parse_SM_CAPDU = parse_SM_CAPDU
ePass_SE.protect_response = protect_response
sys.argv = ['vicc'] + sys.argv[1:]
import runpy
runpy.run_path('/usr/bin/vicc', run_name='__main__')
