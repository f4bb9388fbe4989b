import { App as AntApp, Input, Typography } from 'antd';
import { useCallback } from 'react';
import { useSignedIn } from './auth';
import { useWords } from './i18n';

/** Whether a purpose is one the API takes: 2 to 200 characters once trimmed. */
export const purposeOk = (text: string | undefined): boolean => {
  const length = [...(text ?? '').trim()].length;
  return length >= 2 && length <= 200;
};

/**
 * Asks for the purpose of a bulk read of personal data (an export, a list of findings) in a
 * dialog; resolves with it, or undefined when the clerk cancels. Assessors, who see everything
 * masked, are not asked (resolves with an empty purpose, which the API does not need of them).
 */
export function usePurpose(): () => Promise<string | undefined> {
  const { modal } = AntApp.useApp();
  const words = useWords();
  const session = useSignedIn();
  return useCallback(() => {
    if (session.claims.role === 'assessor') return Promise.resolve('');
    return new Promise<string | undefined>((resolve) => {
      let value = '';
      const dialog = modal.confirm({
        title: words.t('purposeTitle'),
        icon: null,
        content: (
          <>
            <Typography.Paragraph type="secondary">{words.t('purposeHelp')}</Typography.Paragraph>
            <Input.TextArea
              data-testid="purpose-input"
              aria-label={words.t('purpose')}
              maxLength={200}
              autoSize={{ minRows: 2 }}
              onChange={(e) => {
                value = e.target.value;
                dialog.update({ okButtonProps: { disabled: !purposeOk(value) } });
              }}
            />
          </>
        ),
        okButtonProps: { disabled: true },
        onOk: () => resolve(value.trim()),
        onCancel: () => resolve(undefined),
      });
    });
  }, [modal, words, session.claims.role]);
}
