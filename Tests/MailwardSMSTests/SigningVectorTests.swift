import Foundation
import MailwardSMS
import Testing

/// Signing against the vendors' own published examples.
@Suite struct TC3SignerTests {
    /// The payload of Tencent's worked example ("签名方法 v3", DescribeInstances in Guangzhou):
    /// the JSON contains the literal escape sequences `\u672a\u547d\u540d` (未命名), and those are the
    /// bytes the example signs.
    static let examplePayload = Array(
        #"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#.utf8
    )
    static let exampleSecretID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
    static let exampleSecretKey: SMSSecret = "Gu5t9xGARNpq86cd98joQYCN3*******"

    /// The current revision of the document signs `content-type;host;x-tc-action` (the action value
    /// lower-cased) and gives hashed canonical request 7019a55b… and signature be4f67d3….
    @Test func matchesTencentDocumentedExampleWithActionHeader() {
        let signature = TC3Signer.sign(
            TC3SigningInput(
                signedHeaders: [
                    "Content-Type": "application/json; charset=utf-8",
                    "Host": "cvm.tencentcloudapi.com",
                    "X-TC-Action": "DescribeInstances",
                ],
                payload: Self.examplePayload,
                service: "cvm",
                timestamp: 1_551_113_065
            ),
            secretID: Self.exampleSecretID,
            secretKey: Self.exampleSecretKey
        )
        #expect(
            signature.canonicalRequest == """
                POST
                /

                content-type:application/json; charset=utf-8
                host:cvm.tencentcloudapi.com
                x-tc-action:describeinstances

                content-type;host;x-tc-action
                35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064
                """
        )
        #expect(
            signature.stringToSign == """
                TC3-HMAC-SHA256
                1551113065
                2019-02-25/cvm/tc3_request
                7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84
                """
        )
        #expect(signature.signature == "be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3")
        #expect(
            signature.authorization
                == "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
                + "SignedHeaders=content-type;host;x-tc-action, "
                + "Signature=be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3"
        )
    }

    /// The earlier revision of the same example signed only `content-type;host`: string to sign
    /// ends in 5ffe6a04…, signature 2230eefd….
    @Test func matchesTencentEarlierDocumentedExample() {
        let signature = TC3Signer.sign(
            TC3SigningInput(
                signedHeaders: ["content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com"],
                payload: Self.examplePayload,
                service: "cvm",
                timestamp: 1_551_113_065
            ),
            secretID: Self.exampleSecretID,
            secretKey: Self.exampleSecretKey
        )
        #expect(signature.stringToSign.hasSuffix("5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"))
        #expect(signature.signature == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c")
        #expect(signature.signedHeaderNames == "content-type;host")
    }

    /// The credential scope uses the UTC date: 00:30 on the 26th in Beijing is still the 25th.
    @Test func scopeUsesUTCDate() {
        let signature = TC3Signer.sign(
            TC3SigningInput(signedHeaders: ["host": "sms.tencentcloudapi.com"], payload: [], service: "sms", timestamp: 1_551_112_200),
            secretID: "id",
            secretKey: "key"
        )
        #expect(signature.credentialScope == "2019-02-25/sms/tc3_request")
    }
}

@Suite struct ACS3SignerTests {
    /// Alibaba Cloud's worked example in "V3版本请求体&签名机制" (RunInstances in cn-shanghai,
    /// AccessKey YourAccessKeyId / YourAccessKeySecret): signature 06563a9e….
    @Test func matchesAlibabaDocumentedExample() {
        let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        let signature = ACS3Signer.sign(
            ACS3SigningInput(
                method: "POST",
                canonicalURI: "/",
                query: [("RegionId", "cn-shanghai"), ("ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd")],
                headers: [
                    "host": "ecs.cn-shanghai.aliyuncs.com",
                    "x-acs-action": "RunInstances",
                    "x-acs-version": "2014-05-26",
                    "x-acs-date": "2023-10-26T10:22:32Z",
                    "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
                    "x-acs-content-sha256": emptyHash,
                    "user-agent": "not signed",
                ],
                payload: []
            ),
            accessKeyID: "YourAccessKeyId",
            accessKeySecret: "YourAccessKeySecret"
        )
        #expect(signature.canonicalQueryString == "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai")
        #expect(
            signature.canonicalRequest == """
                POST
                /
                ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai
                host:ecs.cn-shanghai.aliyuncs.com
                x-acs-action:RunInstances
                x-acs-content-sha256:\(emptyHash)
                x-acs-date:2023-10-26T10:22:32Z
                x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d
                x-acs-version:2014-05-26

                host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version
                \(emptyHash)
                """
        )
        #expect(
            signature.stringToSign
                == "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        )
        #expect(
            signature.authorization
                == "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,"
                + "SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                + "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        )
    }

    @Test func encodesQueryTheAlibabaWay() {
        let signature = ACS3Signer.sign(
            ACS3SigningInput(query: [("b", "x y*~/中"), ("a", "")], headers: ["host": "h"]),
            accessKeyID: "id",
            accessKeySecret: "secret"
        )
        #expect(signature.canonicalQueryString == "a=&b=x%20y%2A~%2F%E4%B8%AD")
    }
}

@Suite struct WebhookSignatureTests {
    /// Expected value computed independently with Python:
    /// `"sha256=" + hmac.new(b"webhook-secret", ("1795931228." + body).encode(), hashlib.sha256).hexdigest()`.
    @Test func matchesIndependentComputation() {
        let body = Array(
            #"{"to":"+8613800138000","text":"【某某大学】登录验证码 123456，5分钟内有效。","at":"2026-11-29T05:47:08Z"}"#.utf8
        )
        let value = WebhookSignature.headerValue(secret: "webhook-secret", timestamp: "1795931228", body: body)
        #expect(value == "sha256=b66ab5312fd88cafa721c4b97d96c71994f511adc77843a812e3c47f717417cb")
        #expect(WebhookSignature.isValid(headerValue: value, secret: "webhook-secret", timestamp: "1795931228", body: body))
        #expect(!WebhookSignature.isValid(headerValue: value, secret: "webhook-secret", timestamp: "1795931229", body: body))
        #expect(!WebhookSignature.isValid(headerValue: value, secret: "other", timestamp: "1795931228", body: body))
        #expect(!WebhookSignature.isValid(headerValue: "sha256=zz", secret: "webhook-secret", timestamp: "1795931228", body: body))
    }
}
