# Regenerates the hand-written fixture corpus in this folder: python3 make_fixtures.py
import base64, quopri, os
OUT=os.path.dirname(os.path.abspath(__file__))
def b64(s): return base64.b64encode(s).decode()
def ew(text, cs, enc='B'):
    b=text.encode({'gb2312':'gb18030','gbk':'gbk','big5':'big5'}.get(cs.lower(),cs))
    if enc=='B': return f"=?{cs}?B?{b64(b)}?="
    return f"=?{cs}?Q?{''.join(c if (c.isalnum() and c.isascii()) else '=%02X'%c for c in [chr(x) if x<128 else x for x in b]) if False else qenc(b)}?="
def qenc(b):
    out=''
    for x in b:
        c=chr(x)
        if x<128 and c.isalnum(): out+=c
        elif c==' ': out+='_'
        else: out+='=%02X'%x
    return out
def wrap(s,n=76): return "\r\n".join(s[i:i+n] for i in range(0,len(s),n))
def crlf(s): return s.replace("\r\n","\n").replace("\n","\r\n")
def write(name, data):
    if isinstance(data,str): data=data.encode()
    open(os.path.join(OUT,name),"wb").write(data)

# 1. Outlook, GB2312 alternative
plain="你好，\n这是一封来自 Outlook 的测试邮件。\n谢谢！\n"
html="<html><head><style>p{color:red}</style></head><body><p>你好，</p><p>这是一封来自 Outlook 的<b>测试</b>邮件。</p><p>谢谢！&nbsp;&amp;</p></body></html>"
msg=crlf(f"""From: {ew('张三','gb2312')} <zhangsan@example.cn>
To: "李四" <lisi@example.cn>, wangwu@example.cn
Subject: {ew('测试邮件：季度报告','gb2312')}
Date: Mon, 3 Mar 2025 09:15:02 +0800
Message-ID: <000001d78c3a$1f2e3d40$5d8ab7c0$@example.cn>
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----=_NextPart_000_0001_01D78C7D.2D5A9A40"
X-Mailer: Microsoft Outlook 16.0
Content-Language: zh-cn

This is a multi-part message in MIME format.

------=_NextPart_000_0001_01D78C7D.2D5A9A40
Content-Type: text/plain;
\tcharset="gb2312"
Content-Transfer-Encoding: base64

{wrap(b64(plain.replace(chr(10),chr(13)+chr(10)).encode('gb18030')))}

------=_NextPart_000_0001_01D78C7D.2D5A9A40
Content-Type: text/html;
\tcharset="gb2312"
Content-Transfer-Encoding: quoted-printable

""") + quopri.encodestring(html.encode('gb18030')).decode().replace("\n","\r\n") + crlf("""

------=_NextPart_000_0001_01D78C7D.2D5A9A40--
""")
write("outlook-gb2312-alternative.eml", msg)

# 2. Foxmail, GBK labelled gb2312 with GBK-only chars, attachment with GBK encoded-word filename
plain2="朱镕基同志的讲话稿，请查收附件。\n"
att=b"%PDF-1.4 fake pdf content\n"
fname="会议纪要（镕）.pdf"
msg=crlf(f"""Date: Tue, 4 Mar 2025 10:20:30 +0800
From: "{ew('王五','GBK')}" <wangwu@example.cn>
To: "zhangsan" <zhangsan@example.cn>
Subject: {ew('转发：讲话稿（镕）','GBK')}
X-Mailer: Foxmail 7.2.25.228[cn]
Mime-Version: 1.0
Message-ID: <202503041020301234567@example.cn>
Content-Type: multipart/mixed;
\tboundary="----=_001_NextPart123456789_=----"

This is a multi-part message in MIME format.

------=_001_NextPart123456789_=----
Content-Type: multipart/alternative;
\tboundary="----=_002_NextPart987654321_=----"


------=_002_NextPart987654321_=----
Content-Type: text/plain;
\tcharset="GB2312"
Content-Transfer-Encoding: base64

{wrap(b64(plain2.replace(chr(10),chr(13)+chr(10)).encode('gbk')))}

------=_002_NextPart987654321_=----
Content-Type: text/html;
\tcharset="GB2312"
Content-Transfer-Encoding: quoted-printable

""") + quopri.encodestring(("<html><body><div>"+plain2.strip()+"</div></body></html>").encode('gbk')).decode().replace("\n","\r\n") + crlf(f"""

------=_002_NextPart987654321_=------

------=_001_NextPart123456789_=----
Content-Type: application/octet-stream;
\tname="{ew(fname,'GBK')}"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="{ew(fname,'GBK')}"

{wrap(b64(att))}

------=_001_NextPart123456789_=------

""")
write("foxmail-gbk-attachment.eml", msg)

# 3. iPhone Mail: alternative(text, related(html, image))
img=bytes(range(256))*4
msg=crlf(f"""Content-Type: multipart/alternative; boundary=Apple-Mail-1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809
Content-Transfer-Encoding: 7bit
From: Zoë Martin <zoe@example.org>
Mime-Version: 1.0 (1.0)
Date: Wed, 5 Mar 2025 18:01:02 +0100
Subject: =?utf-8?Q?Photos_de_vacances_=F0=9F=8C=B4?=
Message-Id: <5F3A2B1C-0D9E-4F8A-B7C6-D5E4F3A2B1C0@example.org>
To: Bob <bob@example.com>
X-Mailer: iPhone Mail (21D61)


--Apple-Mail-1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809
Content-Type: text/plain;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable

Voil=C3=A0 la photo =E2=80=94 =C3=A0 bient=C3=B4t=C2=A0!

Envoy=C3=A9 de mon iPhone
--Apple-Mail-1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809
Content-Type: multipart/related;
\ttype="text/html";
\tboundary=Apple-Mail-2B3C4D5E-6F70-8192-A3B4-C5D6E7F8091A
Content-Transfer-Encoding: 7bit


--Apple-Mail-2B3C4D5E-6F70-8192-A3B4-C5D6E7F8091A
Content-Type: text/html;
\tcharset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><head><meta http-equiv=3D"content-type" content=3D"text/html; charset=3D=
utf-8"></head><body dir=3D"auto">Voil=C3=A0 la photo =E2=80=94 =C3=A0 bient=C3=
=B4t=C2=A0!<div><img src=3D"cid:F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9" alt=3D"=
IMG_0042.jpeg"></div></body></html>
--Apple-Mail-2B3C4D5E-6F70-8192-A3B4-C5D6E7F8091A
Content-Type: image/jpeg;
\tname=IMG_0042.jpeg;
\tx-apple-part-url=F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9
Content-Disposition: inline;
\tfilename=IMG_0042.jpeg
Content-Id: <F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9>
Content-Transfer-Encoding: base64

{wrap(b64(img))}
--Apple-Mail-2B3C4D5E-6F70-8192-A3B4-C5D6E7F8091A--
--Apple-Mail-1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809--
""")
write("iphone-utf8-inline-image.eml", msg)

# 4. Gmail RFC 2231
GPLAIN="请看附件中的年度报告。\r\nPlease see the attached report.\r\n".encode()
GHTML='<div dir="ltr">请看附件中的年度报告。<br>Please see the attached report.</div>\r\n'.encode()
data=b"col1,col2\r\n1,2\r\n"
msg=crlf(f"""MIME-Version: 1.0
Date: Thu, 6 Mar 2025 07:08:09 -0800
Message-ID: <CAF=abc123+def456@mail.gmail.com>
Subject: =?UTF-8?B?5bm05bqm5oql5ZGK?= and =?UTF-8?Q?r=C3=A9sum=C3=A9?=
From: Alice Example <alice@gmail.com>
To: bob@example.com
Cc: "Carol, Jr." <carol@example.com>, =?UTF-8?B?6ZmI5LiD?= <chen@example.cn>
Content-Type: multipart/mixed; boundary="000000000000a1b2c3d4e5f60718"

--000000000000a1b2c3d4e5f60718
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60716"

--000000000000a1b2c3d4e5f60716
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: base64

{wrap(b64(GPLAIN))}
--000000000000a1b2c3d4e5f60716
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: base64

{wrap(b64(GHTML))}
--000000000000a1b2c3d4e5f60716--
--000000000000a1b2c3d4e5f60718
Content-Type: text/csv; charset="UTF-8"; 
\tname*0*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A;
\tname*1*=%E6%95%B0%E6%8D%AE.csv
Content-Disposition: attachment; 
\tfilename*0*=UTF-8''%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A;
\tfilename*1*=%E6%95%B0%E6%8D%AE.csv
Content-Transfer-Encoding: base64
X-Attachment-Id: f_lx1y2z3a0
Content-ID: <f_lx1y2z3a0>

{b64(data)}
--000000000000a1b2c3d4e5f60718--
""")
write("gmail-rfc2231-attachment.eml", msg)

# 5. Big5 forward with message/rfc822
inner=crlf(f"""From: {ew('陳大文','big5')} <chan@example.hk>
To: lee@example.hk
Subject: {ew('原始郵件','big5')}
Date: Fri, 7 Mar 2025 12:00:00 +0800
Message-ID: <inner-1@example.hk>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner-b"

--inner-b
Content-Type: text/plain; charset=big5
Content-Transfer-Encoding: 8bit

""").encode() + "這是原始郵件的內容。\r\n".encode('big5') + crlf("""--inner-b
Content-Type: application/pdf; name="report.pdf"
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--inner-b--
""").encode()
outer=crlf(f"""From: {ew('李小龍','big5')} <lee@example.hk>
To: wong@example.hk
Subject: {ew('轉寄：原始郵件','big5')}
Date: Fri, 7 Mar 2025 13:00:00 +0800
Message-ID: <outer-1@example.hk>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer-b"

--outer-b
Content-Type: text/plain; charset="big5"
Content-Transfer-Encoding: 8bit

""").encode() + "請參閱以下轉寄郵件。\r\n".encode('big5') + b"--outer-b\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner + b"\r\n--outer-b--\r\n"
write("big5-forward-rfc822.eml", outer)

# 6. raw 8-bit GBK headers, gb18030 body
body="这封邮件的主题没有编码。欧元符号€和生僻字𠀀。\r\n"
msg=b"From: " + "赵六".encode('gbk') + b" <zhaoliu@example.cn>\r\nTo: <boss@example.cn>\r\nSubject: " + "未编码的中文主题".encode('gbk') + b"\r\nDate: 8 Mar 2025 08:00 +0800\r\nContent-Type: text/plain; charset=gb18030\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body.encode('gb18030')
write("gb18030-raw-headers.eml", msg)

# 7. missing final boundary, preamble, epilogue-less
write("broken-missing-final-boundary.eml", crlf("""From: a@example.com
To: b@example.com
Subject: missing final boundary
Content-Type: multipart/mixed; boundary="xyz"

preamble text
--xyz
Content-Type: text/plain

first part
--xyz
Content-Type: text/plain

second part, message truncated here
"""))

# 8. multipart without boundary parameter
write("broken-no-boundary-param.eml", crlf("""From: a@example.com
Subject: no boundary
Content-Type: multipart/mixed

just some text
"""))

# 9. bare LF, NUL, bare CR
write("broken-bare-lf-nul.eml", b"From: a@example.com\nSubject: bare LF\x00 and NUL\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nline one\rstill line one\x00\n--b\nContent-Type: text/html\n\n<p>hi</p>\n--b--\n")

# 10. broken encoded words
msg=crlf("""From: =?utf-8?B?5byg5LiJ?= <z@example.com>
To: =?unknown-charset?Q?Mr_X?= <x@example.com>
Subject: =?UTF-8?B?5Lit?= =?UTF-8?B?5paH?= =?gbk?B?1tA=?==?gbk?B?zsQ=?= =?utf-8?Q?broken =?utf-8?B?!!!?= tail
Date: Sun, 9 Mar 25 23:59:59 EST
Content-Type: text/plain; charset=utf-8

body
""")
# split a multibyte char across two words: "中" = E4 B8 AD
msg=msg.replace("=?UTF-8?B?5Lit?= =?UTF-8?B?5paH?=", "=?UTF-8?B?5Lg=?= =?UTF-8?B?reaWhw==?=")
write("broken-encoded-words.eml", msg)

# 11. truncated base64 attachment
write("truncated-base64.eml", crlf("""From: a@example.com
Subject: truncated
Content-Type: multipart/mixed; boundary="t"

--t
Content-Type: text/plain; charset=us-ascii

see attachment
--t
Content-Type: image/png; name="x.png"
Content-Disposition: attachment; filename="x.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD
hgGAWjR9awAAAABJRU5Er"""))

# 12. group addresses, digest
write("digest-groups.eml", crlf("""From: "Doe, John" <john@example.com> (comment)
To: undisclosed-recipients:;
Cc: Team: ann@example.com, "Bob B" <bob@example.com>;, eve@example.com
Subject: digest
Content-Type: multipart/digest; boundary="d"

--d

From: one@example.com
Subject: first

first message
--d

From: two@example.com
Subject: second
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

caf=E9
--d--
"""))
print("ok")
